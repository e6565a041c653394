import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface RegisteredRoute {
  method: string;
  /** The path as registered, with its parameters (`/api/v1/devices/:id`). */
  url: string;
  /** Hidden from the OpenAPI document (the documentation's own routes). */
  hidden: boolean;
  /** The route's schema as Fastify validates it (body, querystring, params, response). */
  schema: Readonly<Record<string, unknown>> | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route Fastify registered, one entry per method: what access tests and the OpenAPI test iterate over. */
    registeredRoutes: readonly RegisteredRoute[];
  }
}

/** Register first: it sees only routes added after it. */
export default fp(
  async (app: FastifyInstance) => {
    const routes: RegisteredRoute[] = [];
    app.decorate('registeredRoutes', routes);
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      const hidden = (route.schema as { hide?: boolean } | undefined)?.hide === true;
      // Read lazily: plugins that run after this hook (strict-query) may still complete the schema.
      for (const method of methods) {
        routes.push({
          method: String(method).toUpperCase(),
          url: route.url,
          hidden,
          get schema() {
            return route.schema as Record<string, unknown> | undefined;
          },
        });
      }
    });
  },
  { name: 'route-table' },
);
