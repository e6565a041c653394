import { randomUUID } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import {
  CONTRACT_VERSION,
  type DeviceIdentity,
  isUsefulMac,
  normalizeSectionData,
  SECTION_NAMES,
  type Section,
  type SectionName,
  type Sections,
  type Snapshot,
  sectionHash,
} from '@stocktake/shared/core';
import type { CollectContext, Collector, CollectorOutput, SectionData } from '../collectors/types.ts';
import { mergeSection } from './merge.ts';
import { missingRequired } from './validate-section.ts';

export interface SnapshotOptions {
  collectors: readonly Collector[];
  ctx: CollectContext;
  agent: { id?: string; version: string };
  now?: () => Date;
}

class CollectorTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CollectorTimeout(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

interface Outcome<S extends SectionName> {
  collector: Collector<S>;
  data?: CollectorOutput<S>;
  error?: string;
}

async function runCollector<S extends SectionName>(
  collector: Collector<S>,
  shared: CollectContext,
): Promise<Outcome<S> | undefined> {
  const budget = collector.timeoutMs ?? shared.timeoutMs;
  const ctx = budget === shared.timeoutMs ? shared : { ...shared, timeoutMs: budget };
  try {
    const present = await withTimeout(collector.detect(ctx), budget, `${collector.name} detection`);
    if (!present) return undefined;
    const data = await withTimeout(collector.collect(ctx), budget, collector.name);
    return { collector, data };
  } catch (err) {
    ctx.log.warn({ err, collector: collector.name, section: collector.section }, 'collector failed');
    return { collector, error: `${collector.name}: ${describe(err)}` };
  }
}

/** Software collectors are named after the `source` their items carry, so failedSources can name them. */
function sourceOf(collector: Collector): string {
  return collector.name;
}

/** Runs every collector of a section and folds their outcomes into the section envelope. */
async function collectSection<S extends SectionName>(
  name: S,
  collectors: readonly Collector<S>[],
  ctx: CollectContext,
  now: () => Date,
): Promise<Section<SectionData[S]>> {
  const started = performance.now();
  const outcomes = (await Promise.all(collectors.map((c) => runCollector(c, ctx)))).filter(
    (o): o is Outcome<S> => o !== undefined,
  );
  const ok = outcomes.filter((o) => o.data !== undefined);
  const failed = outcomes.filter((o) => o.error !== undefined);
  const durationMs = Math.round(performance.now() - started);
  const collectedAt = now().toISOString();
  if (outcomes.length === 0) {
    return { status: 'failed', reason: `no ${name} source available on this system`, collectedAt, durationMs };
  }
  if (ok.length === 0) {
    return { status: 'failed', reason: failed.map((f) => f.error).join('; '), collectedAt, durationMs };
  }
  const data = normalizeSectionData(
    name,
    mergeSection(
      name,
      ok.map((o) => o.data as CollectorOutput<S>),
    ),
  );
  // Each collector gives part of a record; if together they still miss something the contract
  // requires (no source said who is logged in), the section is failed rather than the snapshot refused.
  const missing = missingRequired(name, data);
  if (missing.length > 0) {
    const problems = missing.map((e) => `${e.path || '/'} ${e.message}`).join('; ');
    ctx.log.warn({ section: name, problems }, 'merged section does not satisfy the contract');
    return {
      status: 'failed',
      reason: [...failed.map((f) => f.error), `incomplete ${name} data: ${problems}`].join('; '),
      collectedAt,
      durationMs,
    };
  }
  const section: Section<SectionData[S]> = {
    status: failed.length > 0 ? 'partial' : 'ok',
    collectedAt,
    durationMs,
    hash: sectionHash(name, data),
    data,
  };
  if (failed.length > 0) {
    section.reason = failed.map((f) => f.error).join('; ');
    section.failedSources = failed.map((f) => sourceOf(f.collector));
  }
  return section;
}

function identityOf(sections: Sections): DeviceIdentity {
  const hw = sections.hardware.data;
  const macs = new Set<string>();
  for (const nic of hw?.nics ?? []) {
    if (nic.mac && !nic.virtual && isUsefulMac(nic.mac)) macs.add(nic.mac);
  }
  const identity: DeviceIdentity = {
    hostname: sections.os.data?.hostname ?? osHostname(),
    macs: [...macs].sort(),
  };
  if (hw?.system.serial) identity.hardwareSerial = hw.system.serial;
  if (hw?.system.uuid) identity.hardwareUuid = hw.system.uuid;
  return identity;
}

/** Collects every section; a failing source is reported in its section and never aborts the rest. */
export async function collectSnapshot(options: SnapshotOptions): Promise<Snapshot> {
  const now = options.now ?? (() => new Date());
  const applicable = options.collectors.filter((c) => c.platforms.includes(options.ctx.platform));
  const entries = await Promise.all(
    SECTION_NAMES.map(async (name) => {
      const mine = applicable.filter((c) => c.section === name);
      return [name, await collectSection(name, mine, options.ctx, now)] as const;
    }),
  );
  const sections = Object.fromEntries(entries) as unknown as Sections;
  return {
    contractVersion: CONTRACT_VERSION,
    kind: 'full',
    snapshotId: randomUUID(),
    agent: {
      ...(options.agent.id ? { id: options.agent.id } : {}),
      version: options.agent.version,
      platform: options.ctx.platform,
    },
    collectedAt: now().toISOString(),
    identity: identityOf(sections),
    sections,
  };
}
