import http from 'node:http';
import type { AddressInfo } from 'node:net';

// An HTTP proxy between dvd and s3rver that injects the failures real networks and
// stores produce, so the retry and integrity paths are proven over real sockets.
export type Fault =
  | { kind: 'status'; status: number; code: string; retryAfter?: number }
  /** Send the response headers and `after` body bytes, then RST the connection. */
  | { kind: 'reset'; after: number }
  /** Send the headers (with the full Content-Length) and `after` bytes, then close cleanly. */
  | { kind: 'truncate'; after: number }
  /** Deliver the full body with one byte flipped in the middle. */
  | { kind: 'flip' }
  /** Read `after` bytes of the request body, then RST the connection. */
  | { kind: 'reset-request'; after: number };

export interface SeenRequest {
  method: string;
  url: string;
  /** Number of this request, from 0. */
  n: number;
  headers: http.IncomingHttpHeaders;
}

export interface FaultProxy {
  endpoint: string;
  requests: SeenRequest[];
  /** Decide a fault per request; null passes it through untouched. */
  rule: (r: SeenRequest) => Fault | null;
  count(method?: string): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(targetPort: number): Promise<FaultProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const proxy: FaultProxy = {
    endpoint: '',
    requests: [],
    rule: () => null,
    count(method?: string) {
      return method ? this.requests.filter((r) => r.method === method).length : this.requests.length;
    },
    reset() {
      this.requests = [];
      this.rule = () => null;
    },
    stop: async () => {},
  };
  const server = http.createServer((req, res) => {
    const seen: SeenRequest = { method: req.method!, url: req.url!, n: proxy.requests.length, headers: req.headers };
    proxy.requests.push(seen);
    const fault = proxy.rule(seen);
    if (fault?.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>injected by faultProxy</Message></Error>`;
        const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        res.writeHead(fault.status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      });
      return;
    }
    const upstream = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers, agent },
      (up) => {
        if (!fault || fault.kind === 'reset-request') {
          res.writeHead(up.statusCode!, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          res.writeHead(up.statusCode!, up.headers);
          if (fault.kind === 'flip') {
            if (body.length) body[body.length >> 1] ^= 0xff;
            res.end(body);
          } else {
            res.write(body.subarray(0, Math.min(fault.after, body.length)), () => {
              if (fault.kind === 'reset') res.socket?.resetAndDestroy();
              else res.socket?.end();
            });
          }
        });
      },
    );
    upstream.on('error', () => res.destroy());
    if (fault?.kind === 'reset-request') {
      let got = 0;
      const cut = () => {
        upstream.destroy();
        req.socket.resetAndDestroy();
      };
      req.on('data', (c: Buffer) => {
        got += c.length;
        if (got >= fault.after) cut();
      });
      req.on('end', cut);
      return;
    }
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.stop = () =>
    new Promise<void>((r) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}
