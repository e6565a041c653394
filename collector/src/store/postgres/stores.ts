import type { Stores } from '../../domain/ports.ts';
import { eachPortTranslating } from '../translated-ports.ts';
import { createApiTokensRepository } from './access/api-tokens-repository.ts';
import { createEnrollSecretsRepository } from './access/enroll-secrets-repository.ts';
import { createUsersRepository } from './access/users-repository.ts';
import { createAgentsRepository } from './agents/agents-repository.ts';
import { createEnrolmentBlocksRepository } from './agents/enrolment-blocks-repository.ts';
import { createAssetsRepository } from './assets/assets-repository.ts';
import { createAuditTrail } from './audit/audit-repository.ts';
import { createJobLeases } from './cluster/job-leases.ts';
import { type ConnectionOptions, connect } from './connection.ts';
import { createSnapshotReads } from './devices/device-ingest.ts';
import { createDeviceInventory } from './devices/device-inventory.ts';
import { createSnapshotPruning } from './devices/snapshot-pruning.ts';
import { createFindingsRepository } from './findings/findings-repository.ts';
import { createPoliciesRepository } from './findings/policies-repository.ts';
import { createReconciliationSource } from './findings/reconciliation-source.ts';
import { createRunsRepository } from './findings/runs-repository.ts';
import { createLicensesRepository } from './licenses/licenses-repository.ts';
import { createPostgresListers } from './lists/listers.ts';
import { createLiveRosters } from './live/live-roster.ts';
import { createPostgresMaintenance } from './maintenance/postgres-maintenance.ts';
import { createIdentityConflicts } from './matching/conflicts.ts';
import { createDeviceLinks } from './matching/device-links.ts';
import { createMatcher } from './matching/matcher.ts';
import { migrateDatabase } from './migrate.ts';
import { checkNotNewer, describeDatabase, refusalFor } from './open-checks.ts';
import { createReadiness } from './readiness.ts';
import { translateStorageError } from './storage-errors.ts';
import { createPostgresUsage } from './usage/usage-store.ts';
import { createWriteBatcher } from './write-batcher.ts';

/**
 * The ports the PostgreSQL engine provides: each joined as it was built and passed its contract,
 * and none is missing now, so it is a whole `Stores` and `--db postgres://` opens it (the
 * composition root still checks, with `missingPorts`, that the engine it opened is whole).
 */
export type PostgresPorts = Stores;

/** Options of the PostgreSQL engine: where its database is, and how many connections it may hold. */
export type PostgresOptions = ConnectionOptions;

/**
 * Opens the PostgreSQL engine on one database: a connection pool, the database migrated (once,
 * under a lock, however many instances start together), and the ports over it. A database this
 * collector cannot use (missing, a login refused, read-only, full, migrated by a newer collector)
 * is refused with StoreUnusableError, in one line that names it without its password.
 */
export async function openPostgresStores(options: PostgresOptions): Promise<PostgresPorts> {
  const db = connect(options);
  const pool = db.$client;
  try {
    await checkNotNewer(pool, describeDatabase(options.url));
    await migrateDatabase(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw refusalFor(err, describeDatabase(options.url)) ?? err;
  }
  const apiTokens = createApiTokensRepository(db);
  const matcher = createMatcher();
  const batcher = createWriteBatcher(db);
  const readiness = createReadiness(pool);
  const identityConflicts = createIdentityConflicts(db);
  const licenses = createLicensesRepository(db);
  let closed: Promise<void> | undefined;
  // Every port is wrapped so that PostgreSQL's passing troubles (a lock, a full disk, a read-only
  // standby, a server out of reach) reach the domain as its own StorageUnavailableError.
  const ports = eachPortTranslating(
    {
      audit: createAuditTrail(db),
      assets: createAssetsRepository(db, matcher),
      inventory: createDeviceInventory(db, batcher, matcher),
      snapshotArchive: { ...createSnapshotReads(db), ...createSnapshotPruning(db) },
      deviceLinks: createDeviceLinks(db, matcher),
      identityConflicts,
      licenses,
      apiTokens,
      enrollSecrets: createEnrollSecretsRepository(db),
      agents: createAgentsRepository(db),
      enrolmentBlocks: createEnrolmentBlocksRepository(db),
      users: createUsersRepository(db),
      facts: createReconciliationSource(db, { matcher, conflicts: identityConflicts, licenses }),
      findings: createFindingsRepository(db),
      runs: createRunsRepository(db),
      policies: createPoliciesRepository(db),
      usage: createPostgresUsage(db),
      maintenance: createPostgresMaintenance(pool, options.url, batcher),
      lists: createPostgresListers(db),
      jobLeases: createJobLeases(db),
      liveRosters: createLiveRosters(db),
    },
    translateStorageError,
  );
  return {
    ...ports,
    readiness: (options) => readiness(options),
    // The server's own background writer and checkpointer keep up with any run of commits:
    // nothing is left for a later one to pay.
    caughtUp: () => Promise.resolve(),
    close: () => {
      closed ??= apiTokens
        .close()
        .then(() => readiness.close())
        .then(() => pool.end());
      return closed;
    },
  };
}
