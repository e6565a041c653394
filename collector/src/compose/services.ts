import { createAssetsRepository } from '../store/sqlite/assets/assets-repository.ts';
import { createAuditLog } from '../store/sqlite/audit/audit-repository.ts';
import { createSqliteInventory } from '../store/sqlite/inventory-stores.ts';
import { createLicensesRepository } from '../store/sqlite/licenses/licenses-repository.ts';
import type { Db } from '../store/sqlite/open-database.ts';

/** Everything that reads and writes the inventory and the register, over one database. */
export function createServices(db: Db) {
  const auditLog = createAuditLog(db);
  const { ports, ...inventory } = createSqliteInventory(db, auditLog);
  return {
    ...inventory,
    ...ports,
    auditLog,
    assetsRepository: createAssetsRepository(db, auditLog, inventory.matcher, inventory.conflicts),
    licensesRepository: createLicensesRepository(db, auditLog),
  };
}

export type Services = ReturnType<typeof createServices>;
