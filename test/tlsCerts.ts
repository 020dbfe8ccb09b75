import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TestCerts {
  /** PEM of the private CA (what a corporate CA bundle would hold). */
  caFile: string;
  key: string;
  cert: string;
}

/**
 * A private CA and a server certificate it signed for 127.0.0.1 and localhost, made
 * with the openssl binary in `dir`: an HTTPS endpoint no default trust store accepts.
 */
export function makeTestCerts(dir: string): TestCerts {
  const p = (f: string) => path.join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=dvd test CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost');
  fs.writeFileSync(p('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl('x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('ext.cnf'));
  return { caFile: p('ca.pem'), key: fs.readFileSync(p('server.key'), 'utf8'), cert: fs.readFileSync(p('server.pem'), 'utf8') };
}
