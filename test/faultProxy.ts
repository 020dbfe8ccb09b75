import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

// An HTTP proxy between dvd and s3rver that injects the failures real networks and
// stores produce, so the retry and integrity paths are proven over real sockets.
export type Fault =
  /** Answer with this status instead of forwarding: an S3 XML error, or `body` as given. */
  | {
      kind: 'status';
      status: number;
      code?: string;
      /** Seconds, or an HTTP date. */
      retryAfter?: number | string;
      headers?: http.OutgoingHttpHeaders;
      body?: string;
      contentType?: string;
    }
  /** Send the response headers and `after` body bytes, then RST the connection. */
  | { kind: 'reset'; after: number }
  /** Send the headers (with the full Content-Length) and `after` bytes, then close cleanly. */
  | { kind: 'truncate'; after: number }
  /** Deliver the full body with one byte flipped in the middle. */
  | { kind: 'flip' }
  /** Read `after` bytes of the request body, then RST the connection. */
  | { kind: 'reset-request'; after: number }
  /** Read the request and never answer, keeping the connection open. */
  | { kind: 'hang' }
  /** Send the headers and `after` body bytes, then go silent with the connection open. */
  | { kind: 'stall'; after: number }
  /** Forward, then let `fn` change the upstream answer before it is sent. */
  | { kind: 'rewrite'; fn: (a: Answer) => Answer };

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface SeenRequest {
  method: string;
  url: string;
  /** Number of this request, from 0. */
  n: number;
  headers: http.IncomingHttpHeaders;
  /** Requests in flight when this one arrived, itself included. */
  inFlight: number;
  /** Date.now() on arrival. */
  at: number;
  /**
   * The whole answer went to the client's connection (a 'finish'). Not for a request whose
   * client went away first, or whose forwarding failed (upstreamFailed).
   */
  answered: boolean;
  /** The connection to the target failed before an answer came: the test servers lost it, not dvd. */
  upstreamFailed: boolean;
}

export interface FaultProxy {
  endpoint: string;
  port: number;
  requests: SeenRequest[];
  /** Decide a fault per request; null passes it through untouched. */
  rule: (r: SeenRequest) => Fault | null;
  /** Requests whose answer has not been sent completely yet. */
  inFlight: number;
  count(method?: string): number;
  reset(): void;
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string };
  /** Host name for `endpoint` (default 127.0.0.1). */
  host?: string;
}

const s3ErrorXml = (code: string, message = 'injected by faultProxy') =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startFaultProxy(targetPort: number, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
  const proxy: FaultProxy = {
    endpoint: '',
    port: 0,
    requests: [],
    rule: () => null,
    inFlight: 0,
    count(method?: string) {
      return method ? this.requests.filter((r) => r.method === method).length : this.requests.length;
    },
    reset() {
      this.requests = [];
      this.rule = () => null;
    },
    stop: async () => {},
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    proxy.inFlight++;
    res.once('close', () => proxy.inFlight--);
    const seen: SeenRequest = { method: req.method!, url: req.url!, n: proxy.requests.length, headers: req.headers, inFlight: proxy.inFlight, at: Date.now(), answered: false, upstreamFailed: false };
    proxy.requests.push(seen);
    res.once('finish', () => (seen.answered = true));
    const fault = proxy.rule(seen);
    if (fault?.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const body = fault.body ?? s3ErrorXml(fault.code ?? 'InternalError');
        const headers: http.OutgoingHttpHeaders = {
          'content-type': fault.contentType ?? (fault.body === undefined ? 'application/xml' : 'text/html'),
          'content-length': Buffer.byteLength(body),
          ...fault.headers,
        };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        res.writeHead(fault.status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      });
      return;
    }
    if (fault?.kind === 'hang') {
      req.resume();
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
          if (fault.kind === 'rewrite') {
            const a = fault.fn({ status: up.statusCode!, headers: { ...up.headers }, body });
            if (a.headers['content-length'] !== undefined) a.headers['content-length'] = String(a.body.length);
            // Node adds a Date header of its own unless told not to.
            if (a.headers.date === undefined) res.sendDate = false;
            res.writeHead(a.status, a.headers);
            res.end(a.body);
            return;
          }
          res.writeHead(up.statusCode!, up.headers);
          if (fault.kind === 'flip') {
            if (body.length) body[body.length >> 1] ^= 0xff;
            res.end(body);
          } else if (fault.kind === 'stall') {
            res.write(body.subarray(0, Math.min(fault.after, body.length)));
          } else {
            res.write(body.subarray(0, Math.min(fault.after, body.length)), () => {
              if (fault.kind === 'reset') res.socket?.resetAndDestroy();
              else res.socket?.end();
            });
          }
        });
      },
    );
    upstream.on('error', () => {
      seen.upstreamFailed = true;
      res.destroy();
    });
    // A client that went away (a killed dvd) frees the upstream connection too, instead of
    // leaving it stuck under an unread answer.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
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
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler) : http.createServer(handler);
  // Idle keep-alive connections stay open, as s3rver's do: a server closing one for
  // idleness races a client reusing it, and the request lost that way is retried and
  // counted twice (test/test-servers.test.ts).
  server.keepAliveTimeout = 0;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.endpoint = `${opts.tls ? 'https' : 'http'}://${opts.host ?? '127.0.0.1'}:${proxy.port}`;
  proxy.stop = () =>
    new Promise<void>((r) => {
      agent.destroy();
      server.closeAllConnections();
      server.close(() => r());
    });
  return proxy;
}

/**
 * A rule answering `503 SlowDown` once more than `perSecond` requests arrived within the
 * last second (a token bucket of `perSecond` tokens refilled continuously), as S3 does
 * above a prefix's request rate. Refused requests take no token.
 */
export function rateLimited(perSecond: number, then: (r: SeenRequest) => Fault | null = () => null): (r: SeenRequest) => Fault | null {
  let tokens = perSecond;
  let last = Date.now();
  return (r) => {
    const now = Date.now();
    tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens < 1) return { kind: 'status', status: 503, code: 'SlowDown', body: s3ErrorXml('SlowDown', 'Please reduce your request rate.'), contentType: 'application/xml' };
    tokens -= 1;
    return then(r);
  };
}

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`, for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  /** What went through: `GET http://host:port/path` for plain requests, `CONNECT host:port` for tunnels. */
  seen: string[];
  stop(): Promise<void>;
}

/**
 * An HTTP forward proxy like squid: absolute-URI requests for http:// targets, CONNECT
 * tunnels for https:// ones. It records what passed through so a test can tell whether
 * dvd used it.
 */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    let target: URL;
    try {
      target = new URL(req.url!);
    } catch {
      res.writeHead(400).end('absolute URI expected');
      return;
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (u) => {
      res.writeHead(u.statusCode!, u.headers);
      u.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 0; // as the fault proxy's
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = req.url!.split(':');
    const up = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    for (const s of [up, client]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        up.destroy();
        client.destroy();
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    stop: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
