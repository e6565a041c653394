import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import Type from 'typebox';

/**
 * A route that declares no query parameters refuses any (400 naming the parameter), as routes
 * with a querystring schema do: a typo such as `?limt=10` is an error, never silently ignored.
 * Register before the routes. Documentation and WebSocket routes are left alone.
 */
export default fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      const schema = (route.schema ?? {}) as Record<string, unknown>;
      if (schema.querystring || schema.hide || (route as { websocket?: boolean }).websocket) return;
      route.schema = { ...schema, querystring: Type.Object({}, { additionalProperties: false }) };
    });
  },
  { name: 'strict-query' },
);
