import { createLicenseService } from '../domain/licenses/license-service.ts';
import { createRegisterService } from '../domain/register/register-service.ts';
import { createAuditLog } from '../store/sqlite/audit/audit-repository.ts';
import { createDevicesRepository } from '../store/sqlite/devices/devices-repository.ts';
import { createSnapshotStore } from '../store/sqlite/devices/snapshot-store.ts';
import { createConflicts } from '../store/sqlite/matching/conflicts.ts';
import { createMatcher } from '../store/sqlite/matching/matcher.ts';
import type { SqliteStores } from '../store/sqlite/stores.ts';
import { createWriteBatcher } from '../store/sqlite/write-batcher.ts';

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
  const auditLog = createAuditLog(db);
  const matcher = createMatcher(db, auditLog);
  const conflicts = createConflicts(db);
  const snapshotStore = createSnapshotStore(db);
  const writeBatcher = createWriteBatcher(db.$client);
  return {
    db,
    sqlite,
    writeBatcher,
    auditLog,
    matcher,
    conflicts,
    snapshotStore,
    devicesRepository: createDevicesRepository(db, matcher, snapshotStore, writeBatcher),
    /** The asset register's use cases (create, change, status moves, disposal, removal). */
    registerService: createRegisterService(stores.assets),
    /** License entitlements' use cases. */
    licenseService: createLicenseService(stores.licenses),
  };
}

export type Services = ReturnType<typeof createServices>;
