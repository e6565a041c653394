import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { ApiTokens } from '../../domain/access/ports.ts';
import { inProcessRosters } from '../../domain/live/in-process-roster.ts';
import type { Stores } from '../../domain/ports.ts';
import { createApiTokensRepository } from './access/api-tokens-repository.ts';
import { createEnrollSecretsRepository } from './access/enroll-secrets-repository.ts';
import { createUsersRepository } from './access/users-repository.ts';
import { createAgentsRepository } from './agents/agents-repository.ts';
import { createEnrolmentBlocksRepository } from './agents/enrolment-blocks-repository.ts';
import { createAssetsRepository } from './assets/assets-repository.ts';
import { type AuditLog, createAuditLog, createAuditTrail } from './audit/audit-repository.ts';
import { checkpointInBackground } from './checkpoints/index.ts';
import { createJobLeases } from './cluster/job-leases.ts';
import { createFindingsRepository } from './findings/findings-repository.ts';
import { createPoliciesRepository } from './findings/policies-repository.ts';
import { createReconciliationSource } from './findings/reconciliation-source.ts';
import { createRunsRepository } from './findings/runs-repository.ts';
import { createSqliteInventory } from './inventory-stores.ts';
import { createLicensesRepository } from './licenses/licenses-repository.ts';
import { createSqliteListers } from './lists/listers.ts';
import { createSqliteMaintenance } from './maintenance/sqlite-maintenance.ts';
import type { createConflicts } from './matching/conflicts.ts';
import type { Matcher } from './matching/matcher.ts';
import { type Db, type OpenedDatabase, type OpenOptions, openDatabase } from './open-database.ts';
import { createReadiness } from './readiness.ts';
import { eachWithStorageErrorsTranslated } from './storage-errors.ts';
import { createSqliteUsage } from './usage/usage-store.ts';

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

/**
 * The parts of the SQLite engine not behind a port yet, built once per database so that every
 * user shares them (one matcher, one write batcher, one audit log).
 */
export type SqliteParts = Omit<ReturnType<typeof createSqliteInventory>, 'ports'> & { auditLog: AuditLog };

/**
 * The ports over SQLite, plus the database itself for the composition root: the parts of the
 * collector not behind a port yet are built on it there, and nowhere else.
 */
export interface SqliteStores extends Stores {
  readonly database: OpenedDatabase;
  readonly parts: SqliteParts;
}

/**
 * The SQLite engine behind the domain's ports: one file, opened (checked, and migrated) here. A
 * new port is one field of `Stores` (domain/ports.ts) and one line below. Every port is wrapped
 * so that SQLite's passing troubles (busy, full, read-only, I/O) reach the domain as its own
 * StorageUnavailableError.
 */
export async function openSqliteStores(path: string, options: OpenOptions = {}): Promise<SqliteStores> {
  const database = openDatabase(path, options);
  const file = path === ':memory:' ? undefined : resolve(path);
  const checkpoints =
    options.backgroundCheckpoints && file
      ? checkpointInBackground(database.sqlite, file, options.backgroundCheckpoints)
      : undefined;
  const { db } = database;
  const auditLog = createAuditLog(db);
  const { ports, ...inventory } = createSqliteInventory(db, auditLog);
  const parts = { auditLog, matcher: inventory.matcher, conflicts: inventory.conflicts };
  const register = createRegisterStores(db, parts);
  const apiTokens = createApiTokensRepository(db, auditLog);
  const readiness = createReadiness(database.sqlite, file);
  const engine = {
    ...ports,
    ...register,
    ...createFindingStores(db, database.sqlite, { ...parts, licenses: register.licenses }),
    lists: createSqliteListers(db, database.sqlite),
    apiTokens: apiTokens as ApiTokens,
    enrollSecrets: createEnrollSecretsRepository(db, auditLog),
    users: createUsersRepository(db, auditLog),
    agents: createAgentsRepository(db, auditLog, inventory.enrolmentBlockRows),
    enrolmentBlocks: createEnrolmentBlocksRepository(db, auditLog, inventory.enrolmentBlockRows),
    maintenance: createSqliteMaintenance(database.sqlite, path, inventory.writeBatcher),
    usage: createSqliteUsage(db, database.sqlite, inventory.writeBatcher),
    jobLeases: createJobLeases(db),
    // One process owns the file: its sockets are every agent's channel.
    liveRosters: inProcessRosters,
  };
  return {
    database,
    parts: { auditLog, ...inventory },
    ...eachWithStorageErrorsTranslated(engine),
    readiness,
    caughtUp: (maxWaitMs) => checkpoints?.caughtUp(maxWaitMs) ?? Promise.resolve(),
    close: async () => {
      apiTokens.close();
      // The checkpointing thread's connection first: the main one, closed last, checkpoints the
      // whole log and removes it.
      await checkpoints?.stop();
      database.close();
    },
  };
}

/** The SQLite database handles and the parts not behind a port: for benchmarks and tests that look inside. */
export type SqliteInside = Pick<OpenedDatabase, 'db' | 'sqlite'> & SqliteParts;

/** What stores opened on SQLite hold inside; fails on any other engine's stores. */
export function sqliteInside(stores: Stores): SqliteInside {
  const opened = stores as Partial<SqliteStores>;
  if (!opened.database || !opened.parts) throw new Error('these stores are not on the SQLite engine');
  return { db: opened.database.db, sqlite: opened.database.sqlite, ...opened.parts };
}

/** The reconciliation ports on an open database: the facts runs read, findings, runs and the policy. */
export function createFindingStores(
  db: Db,
  sqlite: Database.Database,
  parts: RegisterStoreParts & { licenses: Stores['licenses'] },
): Pick<Stores, 'facts' | 'findings' | 'runs' | 'policies'> {
  return {
    facts: createReconciliationSource(db, sqlite, parts),
    findings: createFindingsRepository(db, parts.auditLog),
    runs: createRunsRepository(db),
    policies: createPoliciesRepository(db, parts.auditLog),
  };
}
