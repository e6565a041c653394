/**
 * Software metering's budgets on this machine: the CPU `run` spends sampling the process list
 * (/proc/<pid>/exe of every process, mapped to dpkg packages through the path index) at the
 * default interval, the access-time source's cost per inventory, and the bytes usage adds on the
 * wire: an unchanged machine's delta, and a typical day's usage changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, inventory } from '@stocktake/agent';
import { compareUsage, diffSnapshot, type Snapshot, type Usage, type UsageEntry } from '@stocktake/shared';
import { createContext } from '../../agent/src/collectors/context.ts';
import { packageAtimeUsage } from '../../agent/src/collectors/package-atime/index.ts';
import { DEFAULTS } from '../../agent/src/config/defaults.ts';
import { collectUsage, usageContext } from '../../agent/src/usage/collect-usage.ts';
import { PackageIndex } from '../../agent/src/usage/package-index.ts';
import { ProcessSampler } from '../../agent/src/usage/process-sampler.ts';
import { procSource } from '../../agent/src/usage/process-source.ts';
import { machineLine, table } from './lib/report.ts';

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** CPU milliseconds of `fn`, the median of `runs`. */
async function cpuOf(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    await fn();
    samples.push(cpuMs(process.cpuUsage(before)));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? 0;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

function next(base: Snapshot, usage: Usage | undefined): Snapshot {
  return {
    ...structuredClone(base),
    snapshotId: crypto.randomUUID(),
    collectedAt: new Date(Date.parse(base.collectedAt) + 3_600_000).toISOString(),
    ...(usage ? { usage } : {}),
  };
}

/**
 * A day's use on top of what the machine has: `apps` packages used today (those with the
 * latest days first, as people use the same programs again), `people` of them by a named user.
 */
function aDayLater(usage: Usage, installed: readonly { name: string; arch?: string }[], apps: number, people: number) {
  const today = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const byName = new Map(usage.entries.map((e) => [e.name, e]));
  const picked = [...installed].slice(0, apps);
  const entries = new Map(usage.entries.map((e) => [`${e.name}\u0000${e.user ?? ''}`, e]));
  picked.forEach((p, i) => {
    const was = byName.get(p.name);
    const entry: UsageEntry = {
      source: 'dpkg',
      name: p.name,
      ...(p.arch ? { arch: p.arch } : {}),
      lastUsed: today,
      via: was?.via ?? 'atime',
    };
    entries.set(`${p.name}\u0000`, entry);
    if (i < people) {
      entries.set(`${p.name}\u0000alice.martin`, { ...entry, user: 'alice.martin', via: 'process' });
    }
  });
  return { sources: usage.sources, entries: [...entries.values()].sort(compareUsage) };
}

const budgetCpuS = (DEFAULTS.meteringSampleSeconds * 0.005).toFixed(1);

/** What this Linux benchmark cannot measure: the other OSes sample with one command each time. */
const OTHER_OSES = `Windows and macOS sample by running one command every ${DEFAULTS.meteringSampleSeconds} s (Windows PowerShell for \`Get-Process -IncludeUserName\`; \`ps -axww -o uid=,user=,comm=\`), mapped to the last inventory's software with one lookup per program. Those commands cannot run on this machine, so their cost is not measured here: the 0.5% budget leaves each run ${budgetCpuS} s of CPU at the default interval. The collectors' READMEs (\`agent/src/collectors/{windows,macos}-processes/\`) say how to measure it on the OS.`;

export async function meteringBench(options: { runs: number }): Promise<string> {
  if (process.platform !== 'linux') return `## Software metering\n\nMeasured on Linux only.\n\n${OTHER_OSES}`;
  const log = createLogger('silent');
  const stateDir = mkdtempSync(join(tmpdir(), 'stocktake-bench-metering-'));
  try {
    const ctx = createContext({ log });
    const index = new PackageIndex(ctx);
    const indexMs = await cpuOf(1, () => index.refresh());
    const source = procSource({ ctx, index });
    const sampler = new ProcessSampler({ source, stateDir, log });
    let mapped = 0;
    const sampleMs = await cpuOf(Math.max(options.runs, 25), async () => {
      mapped = await sampler.sample();
    });
    const processes = ctx.listDir('/proc').then((e) => e.filter((n) => /^\d+$/.test(n)).length);
    const intervalMs = DEFAULTS.meteringSampleSeconds * 1000;
    const sharePct = (sampleMs / intervalMs) * 100;

    const snapshot = await inventory({ log, stateDir });
    const software = snapshot.sections.software.data ?? [];
    const uctx = usageContext(createContext({ log }));
    const atimeMs = await cpuOf(Math.min(options.runs, 5), () => packageAtimeUsage.collect(uctx, software));
    const usage = await collectUsage({
      collectors: [packageAtimeUsage],
      ctx: uctx,
      software,
      seen: { ...sampler.state(), covers: source.covers },
    });
    const base: Snapshot = { ...snapshot, usage };
    const unchanged = diffSnapshot(base, next(base, usage));
    const withoutUsage = diffSnapshot(snapshot, next(snapshot, undefined));
    const used = [...software].filter((s) => s.source === 'dpkg');
    const day = diffSnapshot(base, next(base, aDayLater(usage, used, 30, 10)));
    const dayAdds = bytes(day) - bytes(unchanged);
    const fullAdds = bytes(base) - bytes(snapshot);

    const rows = [
      ['path index build (once, and when dpkg changes)', `${indexMs.toFixed(1)} ms CPU`, `${index.size} program paths`],
      [
        `one sample (${await processes} processes, ${mapped} mapped to packages)`,
        `${sampleMs.toFixed(2)} ms CPU`,
        `every ${DEFAULTS.meteringSampleSeconds} s: **${sharePct.toFixed(4)}% of one core** (budget 0.5%)`,
      ],
      [
        `access times of ${software.length} packages' programs (per inventory, hourly)`,
        `${atimeMs.toFixed(0)} ms CPU`,
        `${((atimeMs / 3_600_000) * 100).toFixed(4)}% of one core`,
      ],
    ];
    const wire = [
      ['full snapshot, usage part', `${usage.entries.length} entries`, `${fullAdds} bytes`],
      [
        'unchanged machine, delta',
        'usage absent',
        `**${bytes(unchanged)} bytes** (without metering ${bytes(withoutUsage)}; budget 2048)`,
      ],
      [
        'a day: 30 applications used, 10 of them by a named person',
        `${day.usage?.entries.length ?? 0} entries`,
        `**+${dayAdds} bytes** over unchanged (budget 4096)`,
      ],
    ];
    return [
      '## Software metering',
      '',
      `Machine: ${machineLine()}. In-process, this machine's real /proc and dpkg database; CPU is user + system time of the agent's own sampling code (median). The wire figures are JSON bytes of the messages the agent queues (bodies are not compressed).`,
      '',
      table(['work', 'cost', 'share'], rows),
      '',
      table(['message', 'usage', 'bytes'], wire),
      '',
      OTHER_OSES,
    ].join('\n');
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
