import { createLicenseService } from '../domain/licenses/license-service.ts';
import { createRegisterService } from '../domain/register/register-service.ts';
import { createAuditLog } from '../store/sqlite/audit/audit-repository.ts';
import { createSqliteInventory } from '../store/sqlite/inventory-stores.ts';
import type { Db } from '../store/sqlite/open-database.ts';
import { createRegisterStores } from '../store/sqlite/stores.ts';

/** Everything that reads and writes the inventory and the register, over one database. */
export function createServices(db: Db) {
  const auditLog = createAuditLog(db);
  const { ports, ...inventory } = createSqliteInventory(db, auditLog);
  const stores = createRegisterStores(db, { auditLog, matcher: inventory.matcher, conflicts: inventory.conflicts });
  return {
    ...inventory,
    ...ports,
    auditLog,
    stores,
    /** The asset register's use cases (create, change, status moves, disposal, removal). */
    registerService: createRegisterService(stores.assets),
    /** License entitlements' use cases. */
    licenseService: createLicenseService(stores.licenses),
  };
}

export type Services = ReturnType<typeof createServices>;
