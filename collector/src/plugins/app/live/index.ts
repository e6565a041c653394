import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createPresence, type Presence } from './presence.ts';

declare module 'fastify' {
  interface FastifyInstance {
    presence: Presence;
  }
}

/** Websocket support and the in-memory record of which agents are online. */
export default fp(
  async (app: FastifyInstance) => {
    // Agents send small JSON frames; nothing legitimate comes near this.
    await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    app.decorate('presence', createPresence());
  },
  { name: 'live' },
);
