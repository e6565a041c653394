import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** 127.0.0.0/8 and ::1, also written as IPv4-mapped IPv6: traffic that never leaves the host. */
export function isLoopback(address: string): boolean {
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * Once listening, warns when plain HTTP is reachable off loopback: agent and API tokens and
 * the enroll secret would cross the network readable by anyone on the path. Off loopback
 * without TLS is right only when the sole client is a TLS-terminating proxy on a trusted
 * network, so it is a warning, not a refusal.
 */
export default fp<{ tls: boolean }>(
  async (app: FastifyInstance, opts) => {
    if (opts.tls) return;
    app.addHook('onListen', async () => {
      // A string is a Unix socket or a pipe: local by nature.
      const exposed = app
        .addresses()
        .flatMap((a) => (typeof a === 'string' ? [] : [a.address]))
        .filter((address) => !isLoopback(address));
      if (exposed.length === 0) return;
      app.log.warn(
        { addresses: exposed },
        'listening off loopback without TLS: tokens and the enroll secret cross the network in clear text; give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a proxy that terminates TLS',
      );
    });
  },
  { name: 'plain-http-warning' },
);
