import websocket from '@fastify/websocket';
import { LIVE_ENVELOPE_ALLOWANCE_BYTES } from '@stocktake/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { INSTANCE_NAME } from '../../../domain/cluster/instance-name.ts';
import { createPresence, type Presence } from './presence.ts';

declare module 'fastify' {
  interface FastifyInstance {
    presence: Presence;
    /** Largest snapshot or delta message the live channel takes, in bytes; larger ones get a 413 error. */
    liveIngestLimit: number;
  }
}

/** ws reads maxPayload as a 32-bit integer: anything larger would turn the limit off. */
const MAX_WS_PAYLOAD = 2 ** 31 - 1;

/** Websocket support, this instance's sockets, and the roster of which agents are online on any instance. */
export default fp(
  async (app: FastifyInstance) => {
    // The snapshot body limit bounds snapshots and deltas over the live channel as it does over HTTP.
    const ingestLimit = app.settings.snapshotBodyLimit + LIVE_ENVELOPE_ALLOWANCE_BYTES;
    // Up to twice the limit a message is read, so its id can be answered with a 413 and the
    // socket stays usable; a larger frame is refused by ws unread (close 1009, message too big).
    const maxPayload = Math.min(2 * ingestLimit, MAX_WS_PAYLOAD);
    await app.register(websocket, {
      options: { maxPayload },
      errorHandler: (error, socket, request) => {
        const code = (error as { code?: unknown }).code;
        // ws refused a frame (too big, bad framing) and is closing with the matching code:
        // let the close handshake finish so the agent sees why.
        if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
          request.log.warn({ code, message: error.message }, 'live channel: frame refused');
          return;
        }
        request.log.error({ err: error }, 'live channel failed');
        socket.terminate();
      },
    });
    // An upgrade refused before @fastify/websocket saw it (the access hook's 401 for a revoked
    // token) leaves a socket Node's HTTP server no longer reads: without this it would stay
    // half-open after the answer, one per refused attempt, and hold the server's close.
    app.addHook('onResponse', async (request) => {
      const { headers, socket } = request.raw;
      const upgrade = typeof headers.upgrade === 'string' && /\bupgrade\b/i.test(headers.connection ?? '');
      if (upgrade && !socket.destroyed) socket.end(() => socket.destroy());
    });
    const roster = await app.stores.liveRosters(INSTANCE_NAME);
    const presence = createPresence(roster, app.log);
    app.decorate('presence', presence);
    // Before the stores close (their onClose): the channels' last presence writes need the database.
    app.addHook('preClose', async () => presence.close());
    app.decorate('liveIngestLimit', ingestLimit);
  },
  { name: 'live', dependencies: ['settings', 'services'] },
);
