import type { RunTrigger } from '@stocktake/shared/api';
import type { FindingsRepository, OpenedFinding } from '../../store/sqlite/findings/findings-repository.ts';
import type { PoliciesRepository } from '../../store/sqlite/findings/policies-repository.ts';
import type { ReconciliationSource } from '../../store/sqlite/findings/reconciliation-source.ts';
import type { RunCounts, RunRecord, RunsRepository } from '../../store/sqlite/findings/runs-repository.ts';
import type { IdentityConflict } from '../../store/sqlite/matching/conflicts.ts';
import { licenseUsages, presentDevices } from '../licenses/compliance.ts';
import type { License } from '../licenses/license-model.ts';
import { compileEndOfSupport } from './end-of-support.ts';
import { findingKey, planLifecycle, type TypeCounts } from './lifecycle.ts';
import type { Policy } from './policies.ts';
import { ghostAsset, retiredAssetActive, warrantyExpiring } from './rules/assets.ts';
import { compilePatchRules, serialChanged, staleAgent, unpatchedDevice, unregisteredDevice } from './rules/devices.ts';
import { hardwareChanged, identityConflict } from './rules/hardware.ts';
import { licenseOveruse, shelfware } from './rules/licenses.ts';
import { type Candidate, DAY_MS, type LicenseFact, type RuleContext } from './rules/types.ts';

export interface ReconcileDeps {
  matcher: { matchAll(now: Date): { devices: number; changed: number; linked: number } };
  conflicts: { all(): IdentityConflict[] };
  licenses: { all(): License[] };
  source: ReconciliationSource;
  findings: FindingsRepository;
  runs: RunsRepository;
  policies: PoliciesRepository;
  /** Runs `fn` in one write transaction. */
  atomically<T>(fn: () => T): T;
  /** Hands newly opened findings to notifications; must not block (the run is over). */
  notify?(opened: OpenedFinding[], run: RunRecord, policy: Policy): void;
}

export interface ReconcileOptions {
  trigger: RunTrigger;
  actor: string;
  now?: Date;
}

/** Lets requests in between the phases of a run (each phase is synchronous SQLite work). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Every finding that holds now, from facts read in a few set-based passes. */
export function evaluate(
  deps: Pick<ReconcileDeps, 'conflicts' | 'licenses' | 'source'>,
  ctx: RuleContext,
  phase: (name: string) => void = () => {},
): Candidate[] {
  const { policy, now } = ctx;
  deps.source.trackSecurityPending();
  const devices = deps.source.devices();
  phase('devices');
  const assets = deps.source.assets();
  phase('assets');
  const conflicts = deps.conflicts.all();
  phase('conflicts');
  const out: Candidate[] = [];

  const ghostAssets = new Set<string>();
  for (const a of assets) {
    const ghost = ghostAsset(a, ctx);
    if (ghost) {
      out.push(ghost);
      ghostAssets.add(a.id);
    }
    const retired = retiredAssetActive(a);
    if (retired) out.push(retired);
    const warranty = warrantyExpiring(a, ctx);
    if (warranty) out.push(warranty);
  }

  const conflictsOf = new Map<string, IdentityConflict[]>();
  for (const c of conflicts) {
    out.push(identityConflict(c));
    for (const id of c.deviceIds) conflictsOf.set(id, [...(conflictsOf.get(id) ?? []), c]);
  }

  const patchRules = compilePatchRules(ctx, compileEndOfSupport(policy.endOfSupport));
  for (const d of devices) {
    for (const c of [
      unregisteredDevice(d, ctx, conflictsOf.get(d.id) ?? []),
      staleAgent(d, ctx, ghostAssets),
      unpatchedDevice(d, ctx, patchRules),
      serialChanged(d),
    ]) {
      if (c) out.push(c);
    }
  }

  phase('rules');
  const windowStart = new Date(now.getTime() - policy.hardwareChangeWindowDays * DAY_MS).toISOString();
  for (const r of deps.source.hardwareRemovals(windowStart)) {
    const c = hardwareChanged(r, ctx);
    if (c) out.push(c);
  }
  phase('hardware');

  const licenses = deps.licenses.all();
  const usage = licenseUsages(deps.source, licenses, presentDevices(devices, policy, now), phase);
  for (const l of licenses) {
    const u = usage.get(l.id);
    const fact: LicenseFact = {
      id: l.id,
      product: l.product,
      metric: l.metric,
      seats: l.seats,
      termEnd: l.termEnd,
      used: (l.metric === 'per_user' ? u?.users : u?.devices) ?? 0,
    };
    for (const c of [licenseOveruse(fact), shelfware(fact, ctx)]) if (c) out.push(c);
  }
  phase('license_usage');
  return out;
}

function totalsOf(byType: Record<string, TypeCounts>): TypeCounts {
  const t: TypeCounts = { opened: 0, recurred: 0, returned: 0, resolved: 0, open: 0 };
  for (const c of Object.values(byType)) {
    t.opened += c.opened;
    t.recurred += c.recurred;
    t.returned += c.returned;
    t.resolved += c.resolved;
    t.open += c.open;
  }
  return t;
}

/**
 * One reconciliation run: match every device to the register again (issue 6's matcher), work
 * out every finding that holds, and bring the stored findings in line in one transaction. The
 * run is recorded whatever happens; a run already in progress (here or in another process)
 * refuses this one with RunInProgressError.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<RunRecord> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const run = deps.runs.start(options.trigger, options.actor, now);
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const t = performance.now();
    phases[name] = Math.round(t - mark);
    mark = t;
  };
  try {
    const policy = deps.policies.current().policy;
    const matching = deps.matcher.matchAll(now);
    phase('match');
    await breathe();
    mark = performance.now();
    const candidates = evaluate(deps, { now, policy }, phase);
    const unique = new Map<string, Candidate>();
    for (const c of candidates) if (!unique.has(findingKey(c))) unique.set(findingKey(c), c);
    await breathe();
    mark = performance.now();
    const plan = planLifecycle(deps.findings.stored(), [...unique.values()], now);
    phase('plan');
    const opened = deps.atomically(() => deps.findings.apply(plan.actions, now, run.id));
    phase('write');
    const byType = plan.counts as Record<string, TypeCounts>;
    const counts: RunCounts = { byType, totals: totalsOf(byType) };
    const finished = deps.runs.finish(run.id, {
      status: 'succeeded',
      finishedAt: new Date(now.getTime() + (performance.now() - started)),
      durationMs: Math.round(performance.now() - started),
      counts,
      matching,
      phases,
    });
    deps.notify?.(opened, finished, policy);
    return finished;
  } catch (err) {
    deps.runs.finish(run.id, {
      status: 'failed',
      finishedAt: new Date(now.getTime() + (performance.now() - started)),
      durationMs: Math.round(performance.now() - started),
      error: (err as Error).message,
      phases,
    });
    throw err;
  }
}
