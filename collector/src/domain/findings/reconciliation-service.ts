import type { Stores } from '../ports.ts';
import { type ReconcileOptions, reconcile } from './engine.ts';
import type { Policy } from './policies.ts';
import type { OpenedFinding, RunRecord } from './ports.ts';
import { findingRules } from './registry.ts';

export type Notify = (opened: OpenedFinding[], run: RunRecord, policy: Policy) => void;

/** Findings, runs, policies and the run itself over the stores' ports, for the server and the command line. */
export function createReconciliation(
  stores: Pick<Stores, 'facts' | 'findings' | 'runs' | 'policies'> & Partial<Pick<Stores, 'usage' | 'licenses'>>,
) {
  const { facts: source, findings, runs, policies } = stores;
  const usage = stores.usage && stores.licenses ? { usage: stores.usage, licenses: stores.licenses } : undefined;
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
      return reconcile(
        { source, findings, runs, policies, rules, ...(usage ? { usage } : {}), ...(notify ? { notify } : {}) },
        options,
      );
    },
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
