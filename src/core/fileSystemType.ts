import fs from 'node:fs';
import path from 'node:path';

// statfs(2) magic numbers of common file systems, for machines without /proc (the names
// come from linux/magic.h).
const MAGIC: Record<number, string> = {
  0xef53: 'ext4',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlay',
  0x6969: 'nfs',
  0xff534d42: 'cifs',
  0x2fc12fc1: 'zfs',
  0x65735546: 'fuse',
  0x4d44: 'vfat',
  0x5346544e: 'ntfs',
  0x1021997: 'v9fs',
};

/**
 * The type of the file system holding `p` ("ext4", "xfs", "tmpfs", "nfs4", ...): from the
 * mount table (/proc/self/mountinfo, the longest mount point that contains the real
 * path), else from statfs's magic number, else "unknown".
 */
export function fileSystemType(p: string): string {
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    // A path that does not exist yet: its nearest existing parent decides.
    const up = path.dirname(p);
    if (up !== p) return fileSystemType(up);
  }
  try {
    let best = { point: '', type: '' };
    for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const f = line.split(' ');
      const sep = f.indexOf('-');
      if (sep < 0) continue;
      // Mount points escape blanks as \040.
      const point = f[4].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
      const inside = real === point || real.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (inside && point.length >= best.point.length) best = { point, type: f[sep + 1] };
    }
    if (best.type) return best.type;
  } catch {
    // No /proc: fall through to statfs.
  }
  try {
    const type = Number(fs.statfsSync(real).type);
    return MAGIC[type] ?? `0x${type.toString(16)}`;
  } catch {
    return 'unknown';
  }
}
