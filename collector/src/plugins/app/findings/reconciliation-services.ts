import type Database from 'better-sqlite3';
import type { Db } from '../../../db/open-database.ts';
import { type ReconcileOptions, reconcile } from '../../../reconciliation/engine.ts';
import type { Policy } from '../../../reconciliation/policies.ts';
import type { Services } from '../../../services.ts';
import { createFindingsRepository, type OpenedFinding } from './findings-repository.ts';
import { createPoliciesRepository } from './policies-repository.ts';
import { createReconciliationSource } from './reconciliation-source.ts';
import { createRunsRepository, type RunRecord } from './runs-repository.ts';

export type Notify = (opened: OpenedFinding[], run: RunRecord, policy: Policy) => void;

/** Findings, runs, policies and the run itself over one database, for the server and the command line. */
export function createReconciliation(
  db: Db,
  sqlite: Database.Database,
  services: Pick<Services, 'auditLog' | 'matcher' | 'conflicts' | 'licensesRepository'>,
) {
  const findings = createFindingsRepository(db, services.auditLog);
  const runs = createRunsRepository(db);
  const policies = createPoliciesRepository(db, services.auditLog);
  const source = createReconciliationSource(db, sqlite);
  let notify: Notify | undefined;
  return {
    findings,
    runs,
    policies,
    source,
    /** Where newly opened findings go after each run (the webhook notifier). */
    onOpened(fn: Notify): void {
      notify = fn;
    },
    run(options: ReconcileOptions): Promise<RunRecord> {
      return reconcile(
        {
          matcher: services.matcher,
          conflicts: services.conflicts,
          licenses: services.licensesRepository,
          source,
          findings,
          runs,
          policies,
          atomically: (fn) => db.transaction(() => fn()),
          ...(notify ? { notify } : {}),
        },
        options,
      );
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
