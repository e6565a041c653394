import { type ReconcileOptions, reconcile } from '../domain/findings/engine.ts';
import type { Policy } from '../domain/findings/policies.ts';
import type { OpenedFinding, RunRecord } from '../domain/findings/ports.ts';
import { findingRules } from '../domain/findings/registry.ts';
import type { Stores } from '../domain/ports.ts';

export type Notify = (opened: OpenedFinding[], run: RunRecord, policy: Policy) => void;

/** Findings, runs, policies and the run itself over the stores' ports, for the server and the command line. */
export function createReconciliation(stores: Pick<Stores, 'facts' | 'findings' | 'runs' | 'policies'>) {
  const { facts: source, findings, runs, policies } = stores;
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
