import type { DeviceInventory, SnapshotArchive } from '../../domain/inventory/ports.ts';
import type { DeviceLinks, IdentityConflicts } from '../../domain/matching/ports.ts';
import { createEnrolmentBlockRows } from './agents/enrolment-blocks-repository.ts';
import type { AuditLog } from './audit/audit-repository.ts';
import { createDeviceAdmin } from './devices/device-admin.ts';
import { createDeviceInventory, createSnapshotArchive } from './devices/device-inventory.ts';
import { createDevicesRepository } from './devices/devices-repository.ts';
import { createSnapshotStore } from './devices/snapshot-store.ts';
import { createConflicts } from './matching/conflicts.ts';
import { createMatcher } from './matching/matcher.ts';
import { createDeviceLinks, createIdentityConflicts } from './matching/matching-ports.ts';
import type { Db } from './open-database.ts';
import { createWriteBatcher } from './write-batcher.ts';

/** The inventory's and matching's ports (what `Stores` carries of them). */
export interface InventoryPorts {
  inventory: DeviceInventory;
  snapshotArchive: SnapshotArchive;
  deviceLinks: DeviceLinks;
  identityConflicts: IdentityConflicts;
}

/**
 * The inventory side of the SQLite engine over one database: the write batcher every ingest
 * goes through, the repositories, and the domain's ports over them. The repositories are
 * returned too for what still calls them synchronously (reconciliation, retention, the register).
 */
export function createSqliteInventory(db: Db, auditLog: AuditLog) {
  const matcher = createMatcher(db, auditLog);
  const conflicts = createConflicts(db);
  const snapshotStore = createSnapshotStore(db);
  const writeBatcher = createWriteBatcher(db.$client);
  const enrolmentBlockRows = createEnrolmentBlockRows(db, auditLog);
  const devicesRepository = createDevicesRepository(db, matcher, snapshotStore, writeBatcher, {
    audit: auditLog,
    blocks: enrolmentBlockRows,
  });
  const ports: InventoryPorts = {
    inventory: createDeviceInventory(
      db,
      devicesRepository,
      snapshotStore,
      writeBatcher,
      createDeviceAdmin(db, matcher, snapshotStore, auditLog),
    ),
    snapshotArchive: createSnapshotArchive(devicesRepository, snapshotStore),
    deviceLinks: createDeviceLinks(db, devicesRepository, matcher),
    identityConflicts: createIdentityConflicts(devicesRepository, conflicts),
  };
  return { matcher, conflicts, snapshotStore, writeBatcher, devicesRepository, enrolmentBlockRows, ports };
}
