/**
 * `pnpm bench [--only NAME[,NAME]] [--runs N] [--size N] [--transport http|ws] [--engines sqlite,pg,pg2]`: runs the
 * benchmarks, prints their tables and rewrites their sections of docs/benchmarks.md. `--size`
 * is the fleet size of the benchmarks that take one (ingest, deltas, api, console, reconcile, retention,
 * startup-check, store-copy), or the rows of starvation's import; each has its own default. `--transport` picks
 * how ingest reaches the collector (deltas measures both). `--engines` picks the stores ingest, deltas,
 * api and reconcile run on, side by side (default all three): SQLite, PostgreSQL with one
 * collector, PostgreSQL with two (scripts/bench/lib/engines.ts).
 */
import { parseArgs } from 'node:util';
import { agentFootprint } from './agent-footprint.ts';
import { agentWire } from './agent-wire.ts';
import { apiBench } from './api.ts';
import { consoleBench } from './console.ts';
import { deltasBench, type Transport } from './deltas.ts';
import { ingestBench } from './ingest.ts';
import { ENGINES, type Engine, parseEngines } from './lib/engines.ts';
import { writeSection } from './lib/report.ts';
import { meteringBench } from './metering.ts';
import { peersBench } from './peers.ts';
import { reconcileBench } from './reconcile.ts';
import { retentionBench } from './retention.ts';
import { startupBench } from './startup.ts';
import { startupCheckBench } from './startup-check.ts';
import { starvationBench } from './starvation.ts';
import { storeCopyBench } from './store-copy.ts';

interface BenchOptions {
  runs: number;
  size?: number;
  transport: Transport;
  engines: readonly Engine[];
}

const BENCHMARKS: Record<string, (opts: BenchOptions) => Promise<string>> = {
  'agent-footprint': (o) => agentFootprint({ runs: o.runs }),
  'agent-wire': () => agentWire(),
  metering: (o) => meteringBench({ runs: o.runs }),
  ingest: (o) =>
    ingestBench({ devices: o.size ?? 10_000, concurrency: 32, transport: o.transport, engines: o.engines }),
  deltas: (o) => deltasBench({ devices: o.size ?? 1000, requests: 10_000, concurrency: 32, engines: o.engines }),
  peers: (o) => peersBench({ devices: o.size ?? 1000, rounds: Math.min(o.runs, 3) }),
  api: (o) => apiBench({ devices: o.size ?? 10_000, requests: 200, engines: o.engines }),
  console: (o) => consoleBench({ devices: o.size ?? 100_000, runs: o.runs }),
  reconcile: (o) =>
    reconcileBench({
      sizes: o.size ? [o.size] : [10_000, 100_000],
      packages: 500,
      licenses: 1000,
      engines: o.engines,
    }),
  retention: (o) => retentionBench({ devices: o.size ?? 20_000, hours: 72 }),
  startup: (o) => startupBench({ runs: o.runs }),
  'startup-check': (o) => startupCheckBench({ devices: o.size ?? 100_000, runs: Math.min(o.runs, 3) }),
  starvation: (o) => starvationBench({ rows: o.size ?? 100_000 }),
  'store-copy': (o) => storeCopyBench({ devices: o.size ?? 10_000 }),
};

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '7' },
    size: { type: 'string' },
    transport: { type: 'string', default: 'http' },
    engines: { type: 'string', default: ENGINES.join(',') },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    `Usage: pnpm bench [--only ${Object.keys(BENCHMARKS).join(',')}] [--runs N] [--size N] [--transport http|ws] [--engines ${ENGINES.join(',')}]\n`,
  );
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a positive whole number, got "${values.runs}"\n`);
  process.exit(64);
}
const size = values.size === undefined ? undefined : Number(values.size);
if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
  process.stderr.write(`--size must be a positive whole number, got "${values.size}"\n`);
  process.exit(64);
}
if (values.transport !== 'http' && values.transport !== 'ws') {
  process.stderr.write(`--transport must be http or ws, got "${values.transport}"\n`);
  process.exit(64);
}
const transport: Transport = values.transport;
let engines: Engine[];
try {
  engines = parseEngines(values.engines);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(64);
}
const selected = values.only ? values.only.split(',') : Object.keys(BENCHMARKS);
for (const name of selected) {
  const bench = BENCHMARKS[name];
  if (!bench) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exit(64);
  }
  process.stderr.write(`running ${name}...\n`);
  const markdown = await bench(size === undefined ? { runs, transport, engines } : { runs, size, transport, engines });
  process.stdout.write(`${markdown}\n`);
  writeSection(name, markdown);
}
// Every report is written. A benchmark that stopped a server under load can leave a client
// socket waiting for its timeout (the starvation benchmark's hostile uploads: four minutes).
process.exit(0);
