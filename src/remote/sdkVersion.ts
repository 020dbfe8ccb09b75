import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The installed @aws-sdk/client-s3 version (its package.json beside the resolved entry), or null. */
export function sdkVersion(): string | null {
  try {
    let dir = path.dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-s3'));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (pkg.name === '@aws-sdk/client-s3') return pkg.version as string;
      }
      const up = path.dirname(dir);
      if (up === dir) return null;
      dir = up;
    }
  } catch {
    return null;
  }
}
