/** Proxy settings read from the environment, by URL scheme. */
export interface ProxyEnv {
  http?: string;
  https?: string;
  /** NO_PROXY as given: comma-separated host suffixes, `*` for all. */
  no?: string;
}

/**
 * The proxy variables as the AWS CLI reads them (botocore asks Python's
 * urllib.request.getproxies): any `*_proxy` variable in any case, where a lower-case
 * one wins over its upper-case twin and an empty lower-case one unsets it (and under
 * CGI, HTTP_PROXY is ignored). A value
 * without a scheme is an http:// proxy (botocore's _fix_proxy_url).
 */
export function proxyEnv(env: NodeJS.ProcessEnv = process.env): ProxyEnv {
  const found: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value && name.toLowerCase().endsWith('_proxy')) found[name.toLowerCase().slice(0, -6)] = value;
  }
  // A CGI script's HTTP_PROXY may come from a request header (httpoxy, CVE-2016-1000110).
  if (env.REQUEST_METHOD) delete found.http;
  for (const [name, value] of Object.entries(env)) {
    if (!name.endsWith('_proxy')) continue;
    const key = name.slice(0, -6).toLowerCase();
    if (value) found[key] = value;
    else delete found[key];
  }
  const fix = (u: string | undefined) => (u === undefined ? undefined : /^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `http://${u}`);
  return { http: fix(found.http), https: fix(found.https), no: found.no };
}

/**
 * The proxy for a request to `scheme://host:port`, or undefined to go direct. NO_PROXY
 * follows Python's proxy_bypass_environment, which the AWS CLI uses: `*` bypasses
 * everything; each entry, leading dots ignored and case-insensitive, matches the host
 * or `host:port` exactly or as a domain suffix (`example.com` covers
 * `s3.example.com`). No CIDR ranges, as in the CLI.
 */
export function proxyForUrl(scheme: 'http' | 'https', host: string, port: number | string, env: ProxyEnv): string | undefined {
  const proxy = scheme === 'https' ? env.https : env.http;
  if (!proxy) return undefined;
  if (env.no) {
    const no = env.no.trim();
    if (no === '*') return undefined;
    const hostOnly = host.toLowerCase().replace(/^\[|\]$/g, '');
    const hostPort = `${hostOnly}:${port}`;
    for (const entry of no.split(',')) {
      const name = entry.trim().replace(/^\.+/, '').toLowerCase();
      if (!name) continue;
      if (hostOnly === name || hostPort === name || hostOnly.endsWith(`.${name}`) || hostPort.endsWith(`.${name}`)) return undefined;
    }
  }
  return proxy;
}
