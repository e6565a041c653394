import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Stores } from '../../domain/ports.ts';
import type { CollectorServices } from '../../domain/services.ts';

declare module 'fastify' {
  // Every service the composition root builds is on the app under its own name.
  interface FastifyInstance extends CollectorServices {
    stores: Stores;
  }
}

export interface ServicesPluginOptions {
  stores: Stores;
  services: CollectorServices;
}

/** Puts the stores and the services built by the composition root (compose/) on the app; builds nothing. */
export default fp<ServicesPluginOptions>(
  async (app: FastifyInstance, opts) => {
    app.decorate('stores', opts.stores);
    for (const [name, service] of Object.entries(opts.services)) app.decorate(name, service as never);
  },
  { name: 'services' },
);
