import http from 'node:http';
import https from 'node:https';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { proxyForUrl, type ProxyEnv } from './proxyForUrl.js';

export interface HttpAgentsOptions {
  maxSockets: number;
  /** PEM bundle that replaces the default trust store (AWS_CA_BUNDLE / ca_bundle), as in the AWS CLI. */
  ca?: string;
  proxies: ProxyEnv;
}

/** The options Node passes to Agent#addRequest (a subset). */
interface RequestTarget {
  host?: string;
  port?: number | string;
  ca?: string;
}
/** Agent#addRequest is how Node hands a request to an agent; @types/node does not declare it. */
interface Routable {
  addRequest(req: http.ClientRequest, opts: RequestTarget): void;
}

// A mixin's base must be constructible from `any[]` (TS2545).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AgentClass = new (...args: any[]) => http.Agent;

// An agent that decides per request between its own keep-alive pool and a proxy from
// the environment, so that NO_PROXY is matched against the host actually contacted
// (`bucket.s3.eu-west-1.amazonaws.com` with virtual-hosted addressing, another region's
// host after a redirect), as the AWS CLI matches it per request URL. The choice is made
// in addRequest, synchronously, before Node writes the request line: an http proxy
// needs the absolute URI there.
function withEnvProxy<B extends AgentClass>(Base: B, secure: boolean): new (o: HttpAgentsOptions, agentOptions: https.AgentOptions) => http.Agent {
  return class EnvProxyAgent extends Base {
    private readonly viaProxy = new Map<string, http.Agent>();
    private readonly o: HttpAgentsOptions;

    // (options, agent options): a mixin's constructor must take `any[]`.
    constructor(...args: any[]) {
      super(args[1] as https.AgentOptions);
      this.o = args[0] as HttpAgentsOptions;
    }

    addRequest(req: http.ClientRequest, target: RequestTarget): void {
      const proxy = proxyForUrl(secure ? 'https' : 'http', target.host ?? 'localhost', target.port ?? (secure ? 443 : 80), this.o.proxies);
      if (!proxy) {
        (Base.prototype as unknown as Routable).addRequest.call(this, req, target);
        return;
      }
      let agent = this.viaProxy.get(proxy);
      if (!agent) {
        const common = { keepAlive: true, maxSockets: this.o.maxSockets };
        // An https target is tunnelled with CONNECT and the CA applies to it; a plain http
        // target is sent to the proxy as an absolute-URI request.
        agent = secure ? new HttpsProxyAgent(proxy, { ...common, ...(this.o.ca ? { ca: this.o.ca } : {}) }) : new HttpProxyAgent(proxy, common);
        this.viaProxy.set(proxy, agent);
      }
      // HttpsProxyAgent takes the target's TLS options from the request, not from its
      // own constructor (whose options are for the proxy connection).
      (agent as unknown as Routable).addRequest(req, secure && this.o.ca ? { ...target, ca: this.o.ca } : target);
    }

    override destroy(): void {
      for (const a of this.viaProxy.values()) a.destroy();
      super.destroy();
    }
  };
}

const HttpWithProxy = withEnvProxy(http.Agent, false);
const HttpsWithProxy = withEnvProxy(https.Agent, true);

/**
 * The http and https agents for one S3 client: keep-alive pools of `maxSockets`, the
 * CA bundle when one is set, and HTTP_PROXY / HTTPS_PROXY / NO_PROXY (proxyForUrl).
 * Without proxy variables they are plain Node agents.
 */
export function httpAgents(o: HttpAgentsOptions): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const common = { keepAlive: true, maxSockets: o.maxSockets };
  const tls = { ...common, ...(o.ca ? { ca: o.ca } : {}) };
  return {
    httpAgent: o.proxies.http ? new HttpWithProxy(o, common) : new http.Agent(common),
    httpsAgent: (o.proxies.https ? new HttpsWithProxy(o, tls) : new https.Agent(tls)) as https.Agent,
  };
}
