import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createServices, type Services } from '../../compose/services.ts';
import { type AgentIngest, createAgentIngest } from '../../domain/inventory/agent-ingest.ts';

declare module 'fastify' {
  interface FastifyInstance {
    auditLog: Services['auditLog'];
    matcher: Services['matcher'];
    conflicts: Services['conflicts'];
    snapshotStore: Services['snapshotStore'];
    writeBatcher: Services['writeBatcher'];
    devicesRepository: Services['devicesRepository'];
    registerService: Services['registerService'];
    licenseService: Services['licenseService'];
    inventory: Services['inventory'];
    snapshotArchive: Services['snapshotArchive'];
    deviceLinks: Services['deviceLinks'];
    identityConflicts: Services['identityConflicts'];
    agentIngest: AgentIngest;
  }
}

/** Decorates the app with the inventory repositories and the register's and licenses' services. */
export default fp(
  async (app: FastifyInstance) => {
    const s = createServices(app.db);
    app.decorate('auditLog', s.auditLog);
    app.decorate('matcher', s.matcher);
    app.decorate('conflicts', s.conflicts);
    app.decorate('snapshotStore', s.snapshotStore);
    app.decorate('writeBatcher', s.writeBatcher);
    app.decorate('devicesRepository', s.devicesRepository);
    app.decorate('registerService', s.registerService);
    app.decorate('licenseService', s.licenseService);
    app.decorate('inventory', s.inventory);
    app.decorate('snapshotArchive', s.snapshotArchive);
    app.decorate('deviceLinks', s.deviceLinks);
    app.decorate('identityConflicts', s.identityConflicts);
    app.decorate('agentIngest', createAgentIngest(s.inventory));
  },
  { name: 'services', dependencies: ['db'] },
);
