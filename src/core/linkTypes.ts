import { DvdError } from './errors.js';
import type { FlatConfig } from './config.js';
import { quoteText } from './quoteText.js';

export type LinkType = 'reflink' | 'copy' | 'hardlink' | 'symlink';
const ALL: LinkType[] = ['reflink', 'copy', 'hardlink', 'symlink'];

/** `[cache] type`, a comma list tried in order. Default `reflink,copy`. */
export function linkTypesFromConfig(config: FlatConfig): LinkType[] {
  const raw = config.get('cache.type') ?? 'reflink,copy';
  const types = raw.split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of types) {
    if (!ALL.includes(t as LinkType)) {
      throw new DvdError('ECONFIG', `cache.type: unknown link type ${quoteText(t)}`, { hint: `use a comma list of ${ALL.join(', ')}` });
    }
  }
  if (types.length === 0) throw new DvdError('ECONFIG', 'cache.type is empty', { hint: 'for example: dvd config cache.type reflink,copy' });
  return types as LinkType[];
}

/** Types that share the inode or the path with the cache, so workspace files must be read-only. */
export function sharesCache(t: LinkType): boolean {
  return t === 'hardlink' || t === 'symlink';
}
