import type { Stores } from '../../domain/ports.ts';
import { createAssetsRepository } from './assets/assets-repository.ts';
import { type AuditLog, createAuditLog, createAuditTrail } from './audit/audit-repository.ts';
import { createSqliteInventory } from './inventory-stores.ts';
import { createLicensesRepository } from './licenses/licenses-repository.ts';
import type { createConflicts } from './matching/conflicts.ts';
import type { Matcher } from './matching/matcher.ts';
import { type Db, type OpenOptions, openDatabase } from './open-database.ts';

/** What the register's stores share with the rest of the engine on one database. */
export interface RegisterStoreParts {
  auditLog: AuditLog;
  matcher: Matcher;
  conflicts: ReturnType<typeof createConflicts>;
}

/** The register, license book and audit trail ports on an open database. */
export function createRegisterStores(db: Db, parts: RegisterStoreParts): Pick<Stores, 'assets' | 'licenses' | 'audit'> {
  return {
    assets: createAssetsRepository(db, parts.auditLog, parts.matcher, parts.conflicts),
    licenses: createLicensesRepository(db, parts.auditLog),
    audit: createAuditTrail(db),
  };
}

/** The SQLite engine behind the domain's ports: one file, opened (and migrated) here. */
export async function openSqliteStores(path: string, options: OpenOptions = {}): Promise<Stores> {
  const opened = openDatabase(path, options);
  const auditLog = createAuditLog(opened.db);
  const inventory = createSqliteInventory(opened.db, auditLog);
  return {
    ...inventory.ports,
    ...createRegisterStores(opened.db, { auditLog, matcher: inventory.matcher, conflicts: inventory.conflicts }),
    close: async () => {
      opened.close();
    },
  };
}
