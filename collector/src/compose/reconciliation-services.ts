import type Database from 'better-sqlite3';
import { type ReconcileOptions, reconcile } from '../domain/findings/engine.ts';
import type { Policy } from '../domain/findings/policies.ts';
import type { OpenedFinding, RunRecord } from '../domain/findings/ports.ts';
import { findingRules } from '../domain/findings/registry.ts';
import { createFindingsRepository } from '../store/sqlite/findings/findings-repository.ts';
import { createPoliciesRepository } from '../store/sqlite/findings/policies-repository.ts';
import { createReconciliationSource } from '../store/sqlite/findings/reconciliation-source.ts';
import { createRunsRepository } from '../store/sqlite/findings/runs-repository.ts';
import { readAllLicenses } from '../store/sqlite/licenses/licenses-repository.ts';
import type { Db } from '../store/sqlite/open-database.ts';
import type { Services } from './services.ts';

export type Notify = (opened: OpenedFinding[], run: RunRecord, policy: Policy) => void;

/** Findings, runs, policies and the run itself over one database, for the server and the command line. */
export function createReconciliation(
  db: Db,
  sqlite: Database.Database,
  services: Pick<Services, 'auditLog' | 'matcher' | 'conflicts'>,
) {
  const findings = createFindingsRepository(db, services.auditLog);
  const runs = createRunsRepository(db);
  const policies = createPoliciesRepository(db, services.auditLog);
  const source = createReconciliationSource(db, sqlite, {
    matcher: services.matcher,
    conflicts: services.conflicts,
    // The facts port reads the licenses straight from this database, as the rest of the run does.
    licenses: { all: async () => readAllLicenses(db) },
  });
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
    async run(options: ReconcileOptions): Promise<RunRecord> {
      const rules = await findingRules();
      return reconcile({ source, findings, runs, policies, rules, ...(notify ? { notify } : {}) }, options);
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
