// One racer of test/lock.test.ts: waits for the start signal (the file named by argv[3]),
// then takes the lock of the dvd repository at argv[2]. The winner prints "won <pid>" and
// holds the lock until its stdin closes; a loser prints "lost <message>" and exits 3.
import fs from 'node:fs';
import { acquireLock } from '../dist/core/lock.js';
import { repoAt } from '../dist/core/repo.js';

const [root, go] = process.argv.slice(2);
process.stdout.write('ready\n');
while (!fs.existsSync(go)) await new Promise((r) => setTimeout(r, 2));
try {
  const lock = await acquireLock(repoAt(root), 'race');
  process.stdout.write(`won ${process.pid}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    lock.release();
    process.exit(0);
  });
} catch (err) {
  process.stdout.write(`lost ${err.code}: ${err.message}\n`);
  process.exit(3);
}
