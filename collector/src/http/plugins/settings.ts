import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { PeerAgentsSettings } from '../../domain/peers/admission.ts';

/** Limits and timings routes take from the configuration: one object, read where a route is defined. */
export interface HttpSettings {
  /** Largest snapshot or delta body accepted, in bytes (over HTTP and the live channel). */
  snapshotBodyLimit: number;
  /** Largest CSV import, in bytes. */
  csvBodyLimit: number;
  /** Most data rows in one CSV import. */
  csvRowLimit: number;
  /** CSV imports larger than this, in bytes, run as jobs: 202 and a job resource to follow. */
  importJobThreshold: number;
  /** How often the collector pings agents' live channels, in ms. */
  livePingIntervalMs: number;
  /** Free space the database's file system must keep for the collector to be ready, in bytes. */
  minFreeDiskBytes: number;
  /** Who may report through the OCS protocol and GLPI Agent's at /ocsinventory. */
  peerAgents: PeerAgentsSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    settings: Readonly<HttpSettings>;
  }
}

export default fp<HttpSettings>(
  async (app: FastifyInstance, opts) => {
    app.decorate('settings', Object.freeze({ ...opts }));
  },
  { name: 'settings' },
);
