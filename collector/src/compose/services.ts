import { createAgentIngest } from '../domain/inventory/agent-ingest.ts';
import { createLicenseService } from '../domain/licenses/license-service.ts';
import { createRegisterService } from '../domain/register/register-service.ts';
import type { SqliteStores } from '../store/sqlite/stores.ts';

/**
 * Everything that reads and writes the inventory and the register, built once over the stores.
 * A service the server, the commands or the benchmarks need is added here, as one field: the
 * HTTP app decorates itself with every field (`app.<field>`), the commands read it from the
 * collector (compose/collector.ts).
 *
 * `db` and `sqlite` are the SQLite handles, for the parts not behind a port yet.
 */
export function createServices(stores: SqliteStores) {
  const { db, sqlite } = stores.database;
  return {
    db,
    sqlite,
    ...stores.parts,
    inventory: stores.inventory,
    snapshotArchive: stores.snapshotArchive,
    deviceLinks: stores.deviceLinks,
    identityConflicts: stores.identityConflicts,
    /** What agents push, by HTTP or the live channel: checked, stored, acknowledged. */
    agentIngest: createAgentIngest(stores.inventory),
    /** The asset register's use cases (create, change, status moves, disposal, removal). */
    registerService: createRegisterService(stores.assets),
    /** License entitlements' use cases. */
    licenseService: createLicenseService(stores.licenses),
    /** Every list the API serves (the stores' list ports), a page at a time. */
    lists: stores.lists,
  };
}

export type Services = ReturnType<typeof createServices>;
