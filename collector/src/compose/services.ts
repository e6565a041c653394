import { createLicenseService } from '../domain/licenses/license-service.ts';
import { createRegisterService } from '../domain/register/register-service.ts';
import { createAuditLog } from '../store/sqlite/audit/audit-repository.ts';
import { createDevicesRepository } from '../store/sqlite/devices/devices-repository.ts';
import { createSnapshotStore } from '../store/sqlite/devices/snapshot-store.ts';
import { createConflicts } from '../store/sqlite/matching/conflicts.ts';
import { createMatcher } from '../store/sqlite/matching/matcher.ts';
import type { Db } from '../store/sqlite/open-database.ts';
import { createRegisterStores } from '../store/sqlite/stores.ts';
import { createWriteBatcher } from '../store/sqlite/write-batcher.ts';

/** Everything that reads and writes the inventory and the register, over one database. */
export function createServices(db: Db) {
  const auditLog = createAuditLog(db);
  const matcher = createMatcher(db, auditLog);
  const conflicts = createConflicts(db);
  const snapshotStore = createSnapshotStore(db);
  const writeBatcher = createWriteBatcher(db.$client);
  const stores = createRegisterStores(db, { auditLog, matcher, conflicts });
  return {
    writeBatcher,
    auditLog,
    matcher,
    conflicts,
    snapshotStore,
    devicesRepository: createDevicesRepository(db, matcher, snapshotStore, writeBatcher),
    stores,
    /** The asset register's use cases (create, change, status moves, disposal, removal). */
    registerService: createRegisterService(stores.assets),
    /** License entitlements' use cases. */
    licenseService: createLicenseService(stores.licenses),
  };
}

export type Services = ReturnType<typeof createServices>;
