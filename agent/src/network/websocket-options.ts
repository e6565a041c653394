import type { Agent } from 'node:http';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { NetworkSettings } from './settings.ts';

/**
 * What the live channel's websocket needs to reach the collector as the HTTP client does: the
 * same trusted certificates, and the same proxy (a CONNECT tunnel, whatever the scheme).
 */
export function websocketOptions(settings: NetworkSettings): { ca?: string[]; agent?: Agent } {
  const tls = settings.ca ? { ca: settings.ca } : {};
  return {
    ...tls,
    // The agent checks an https proxy's certificate against the same trust; the collector's is
    // checked with the `ca` the websocket passes for the tunnelled connection.
    ...(settings.proxy ? { agent: new HttpsProxyAgent(settings.proxy.url, tls) } : {}),
  };
}
