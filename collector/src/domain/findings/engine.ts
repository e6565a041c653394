import type { RunTrigger } from '@stocktake/shared/api';
import { presentDevices } from '../licenses/compliance.ts';
import type { LicenseBook } from '../licenses/ports.ts';
import type { SoftwareUsage } from '../usage/ports.ts';
import { reclamations } from '../usage/reclamation.ts';
import { findingKey, planLifecycle, type TypeCounts } from './lifecycle.ts';
import type { Policy } from './policies.ts';
import type {
  FactSource,
  FindingStore,
  OpenedFinding,
  PolicyStore,
  ReconciliationFacts,
  RunCounts,
  RunRecord,
  RunStore,
} from './ports.ts';
import type { RuleCatalogue } from './registry.ts';
import { type Candidate, DAY_MS, type FactName, type FindingRule, type RuleContext } from './rule.ts';

/** What the usage facts are read from besides the fact source: software use and the license book. */
export interface UsageFactSources {
  usage: SoftwareUsage;
  licenses: Pick<LicenseBook, 'all'>;
}

export interface ReconcileDeps {
  source: FactSource;
  usage?: UsageFactSources;
  findings: FindingStore;
  runs: RunStore;
  policies: PolicyStore;
  rules: RuleCatalogue;
  /** Hands newly opened findings to notifications; must not block (the run is over). */
  notify?(opened: OpenedFinding[], run: RunRecord, policy: Policy): void;
}

export interface ReconcileOptions {
  trigger: RunTrigger;
  actor: string;
  now?: Date;
}

/** Lets requests in between the phases of a run. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

type Facts = Partial<ReconciliationFacts>;

interface Loader {
  fact: FactName;
  /** Reads the fact; `facts` holds those loaded before it. */
  load(
    source: FactSource,
    facts: Facts,
    ctx: RuleContext,
    phase: (name: string) => void,
    usage: UsageFactSources | undefined,
  ): Promise<Facts>;
  /** Times the loading alone. */
  phase?: string;
  /**
   * Times what follows the loading: the rules whose last fact this was (with the loading, if it
   * has no phase). Without it, those rules are timed as `rules`, added up over the facts.
   */
  after?: string;
}

/**
 * The facts in the order they are loaded, each once and only when a rule reads it. Each rule
 * runs as soon as the last fact it reads is in.
 */
const LOADERS: readonly Loader[] = [
  { fact: 'devices', phase: 'devices', load: async (s) => ({ devices: await s.devices() }) },
  { fact: 'assets', phase: 'assets', load: async (s) => ({ assets: await s.assets() }) },
  {
    fact: 'conflicts',
    phase: 'conflicts',
    after: 'rules',
    load: async (s) => ({ conflicts: await s.conflicts() }),
  },
  {
    fact: 'hardwareRemovals',
    after: 'hardware',
    load: async (s, _facts, { now, policy }) => {
      const since = new Date(now.getTime() - policy.hardwareChangeWindowDays * DAY_MS).toISOString();
      return { hardwareRemovals: await s.hardwareRemovals(since) };
    },
  },
  {
    fact: 'licenses',
    after: 'license_usage',
    load: async (s, facts, { now, policy }, phase) => ({
      licenses: await s.licenses(presentDevices(facts.devices ?? [], policy, now), phase),
    }),
  },
  {
    fact: 'reclamation',
    after: 'reclamation',
    // Without a usage store (a caller that passes none) no position has reclaimable seats.
    load: async (s, _facts, { now, policy }, _phase, usage) => ({
      reclamation: usage
        ? await reclamations({ installs: s.installs, usage: usage.usage }, await usage.licenses.all(), policy, now)
        : [],
    }),
  },
  {
    fact: 'activity',
    load: async (_s, _facts, _ctx, _phase, usage) => ({ activity: usage ? await usage.usage.activity() : [] }),
  },
];

/** The facts the rules read, and those these need (license usage counts present devices only). */
function factsWanted(rules: readonly FindingRule[]): Set<FactName> {
  const wanted = new Set<FactName>(rules.flatMap((r) => r.reads));
  if (wanted.has('licenses')) wanted.add('devices');
  return wanted;
}

/** Every finding that holds now: each registered rule over the facts it reads, each fact read once. */
export async function evaluate(
  source: FactSource,
  rules: readonly FindingRule[],
  ctx: RuleContext,
  phase: (name: string) => void = () => {},
  usage?: UsageFactSources,
): Promise<Candidate[]> {
  const wanted = factsWanted(rules);
  await source.trackSecurityPending();
  const facts: Facts = {};
  const loaded = new Set<FactName>();
  const pending = new Set(rules);
  const out: Candidate[] = [];
  for (const loader of LOADERS) {
    if (!wanted.has(loader.fact)) continue;
    Object.assign(facts, await loader.load(source, facts, ctx, phase, usage));
    loaded.add(loader.fact);
    if (loader.phase) phase(loader.phase);
    let ran = false;
    for (const rule of pending) {
      if (!rule.reads.every((f) => loaded.has(f))) continue;
      pending.delete(rule);
      ran = true;
      // One push per candidate: a large fleet gives more than a call takes as arguments.
      for (const c of rule.evaluate(facts as ReconciliationFacts, ctx)) out.push(c);
    }
    if (loader.after) phase(loader.after);
    else if (ran) phase('rules');
  }
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
 * One reconciliation run: match every device to the register again, work out every finding
 * that holds, and bring the stored findings in line all at once. The run is recorded whatever
 * happens; a run already in progress (here or in another process) refuses this one with
 * RunInProgressError.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<RunRecord> {
  const now = options.now ?? new Date();
  const started = performance.now();
  const run = await deps.runs.start(options.trigger, options.actor, now);
  const elapsed: Record<string, number> = {};
  let mark = performance.now();
  // A phase named again (the rules, run after each fact) adds up.
  const phase = (name: string) => {
    const t = performance.now();
    elapsed[name] = (elapsed[name] ?? 0) + (t - mark);
    mark = t;
  };
  const rounded = () => Object.fromEntries(Object.entries(elapsed).map(([name, ms]) => [name, Math.round(ms)]));
  try {
    const policy = (await deps.policies.current()).policy;
    const matching = await deps.source.matchAll(now);
    phase('match');
    await breathe();
    mark = performance.now();
    const candidates = await evaluate(deps.source, deps.rules.rules, { now, policy }, phase, deps.usage);
    const unique = new Map<string, Candidate>();
    for (const c of candidates) if (!unique.has(findingKey(c))) unique.set(findingKey(c), c);
    await breathe();
    mark = performance.now();
    const plan = planLifecycle(await deps.findings.stored(), [...unique.values()], now);
    phase('plan');
    const opened = await deps.findings.apply(plan.actions, now, run.id);
    phase('write');
    const byType = plan.counts as Record<string, TypeCounts>;
    const counts: RunCounts = { byType, totals: totalsOf(byType) };
    const finished = await deps.runs.finish(run.id, {
      status: 'succeeded',
      finishedAt: new Date(now.getTime() + (performance.now() - started)),
      durationMs: Math.round(performance.now() - started),
      counts,
      matching,
      phases: rounded(),
    });
    deps.notify?.(opened, finished, policy);
    return finished;
  } catch (err) {
    await deps.runs.finish(run.id, {
      status: 'failed',
      finishedAt: new Date(now.getTime() + (performance.now() - started)),
      durationMs: Math.round(performance.now() - started),
      error: (err as Error).message,
      phases: rounded(),
    });
    throw err;
  }
}
