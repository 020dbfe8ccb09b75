import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { PROJECT, tempDir } from '../helpers.js';

export interface RgwHandle {
  endpoint: string;
  /** Environment for dvd: the RGW user's keys, nothing from the machine's AWS setup. */
  env: NodeJS.ProcessEnv;
  createBucket(name: string): Promise<void>;
  stop(): void;
}

const SCRIPTS = path.join(PROJECT, 'test', 'rgw');

/** Start a single-node Ceph cluster with radosgw (test/rgw/start-rgw.sh); ~10 s. */
export function startRgw(): RgwHandle {
  const dir = tempDir('dvd-rgw-');
  const out = execFileSync(path.join(SCRIPTS, 'start-rgw.sh'), [dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const { endpoint, accessKey, secretKey } = JSON.parse(out.trim().split('\n').pop()!) as { endpoint: string; accessKey: string; secretKey: string };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } });
  return {
    endpoint,
    env: {
      AWS_ACCESS_KEY_ID: accessKey,
      AWS_SECRET_ACCESS_KEY: secretKey,
      AWS_REGION: 'us-east-1',
      AWS_PROFILE: '',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    },
    async createBucket(name: string) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    stop() {
      client.destroy();
      execFileSync(path.join(SCRIPTS, 'stop-rgw.sh'), [dir], { stdio: 'inherit' });
    },
  };
}
