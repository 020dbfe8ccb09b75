// s3rver in its own process (so the harness's event loop and the server never compete),
// counting every HTTP request it answers. Driven over IPC by bench/run.js:
//   {op:'counts'} -> {counts:{GET:n,...}, total}    {op:'reset'}
//   {op:'bucket', name} -> (re)creates an empty bucket
// Must run with --openssl-legacy-provider (DESIGN.md: ListObjectsV2 paging).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import S3rver from 's3rver';

const dir = process.argv[2];
fs.mkdirSync(dir, { recursive: true });
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true });
const addr = await server.run();
let counts = {};
let total = 0;
server.httpServer.on('request', (req) => {
  counts[req.method] = (counts[req.method] ?? 0) + 1;
  total++;
});
process.on('message', async (m) => {
  try {
    if (m.op === 'counts') process.send({ id: m.id, counts, total });
    else if (m.op === 'reset') {
      counts = {};
      total = 0;
      process.send({ id: m.id });
    } else if (m.op === 'bucket') {
      fs.rmSync(path.join(dir, m.name), { recursive: true, force: true });
      if (!m.drop) await server.store.putBucket(m.name);
      process.send({ id: m.id });
    } else if (m.op === 'seed') {
      process.send({ id: m.id, objects: seed(m) });
    } else if (m.op === 'stop') {
      await server.close();
      process.send({ id: m.id });
      process.exit(0);
    }
  } catch (err) {
    process.send({ id: m.id, error: String(err?.stack ?? err) });
  }
});
process.send({ ready: true, port: addr.port });

// Fill a bucket with every object of a dvd cache, laid out the way s3rver's file store
// keeps an object that `dvd push` uploaded (object, md5, metadata with x-amz-meta-sha256),
// by hard links: pushing 100,000 objects through s3rver costs ~8 ms each (13 minutes),
// and the no-op push measured afterwards must not depend on how the objects got there.
function seed({ bucket, prefix, cacheDir }) {
  const root = path.join(cacheDir, 'sha256');
  let n = 0;
  for (const fan of fs.readdirSync(root)) {
    const dest = path.join(dir, bucket, ...prefix.split('/'), 'sha256', fan);
    fs.mkdirSync(dest, { recursive: true });
    for (const rest of fs.readdirSync(path.join(root, fan))) {
      const src = path.join(root, fan, rest);
      const base = path.join(dest, rest);
      fs.linkSync(src, `${base}._S3rver_object`);
      fs.writeFileSync(`${base}._S3rver_object.md5`, createHash('md5').update(fs.readFileSync(src)).digest('hex'));
      fs.writeFileSync(`${base}._S3rver_metadata.json`, JSON.stringify({ 'content-type': 'application/octet-stream', 'x-amz-meta-sha256': fan + rest }, null, 2));
      n++;
    }
  }
  return n;
}
