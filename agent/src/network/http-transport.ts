import { Agent, type Dispatcher, ProxyAgent, fetch as undiciFetch } from 'undici';
import type { NetworkSettings } from './settings.ts';

/** The `fetch` the collector client calls: the runtime's, or undici's with a dispatcher of its own. */
export type FetchLike = (url: URL, init: RequestInit) => Promise<Response>;

/**
 * undici's fetch over an Agent that trusts the CA bundle, or a ProxyAgent that tunnels through
 * the proxy (CONNECT, for http and https collectors alike) and checks the collector's
 * certificate, and an https proxy's own, against the same trust. undici's fetch rather than the
 * runtime's: a dispatcher is only sure to fit the fetch of the same undici release.
 */
export function createHttpTransport(settings: NetworkSettings): { fetch: FetchLike; close(): Promise<void> } {
  const tls = settings.ca ? { ca: settings.ca } : {};
  const dispatcher: Dispatcher = settings.proxy
    ? new ProxyAgent({ uri: settings.proxy.url, requestTls: tls, proxyTls: tls })
    : new Agent({ connect: tls });
  const fetch: FetchLike = (url, init) =>
    undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>;
  return { fetch, close: () => dispatcher.close() };
}
