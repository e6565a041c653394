/**
 * `pnpm bench [--only NAME[,NAME]] [--runs N]`: runs the benchmarks, prints their tables and
 * rewrites their sections of docs/benchmarks.md.
 */
import { parseArgs } from 'node:util';
import { agentFootprint } from './agent-footprint.ts';
import { agentWire } from './agent-wire.ts';
import { writeSection } from './lib/report.ts';
import { reconcileBench } from './reconcile.ts';

const BENCHMARKS: Record<string, (opts: { runs: number }) => Promise<string>> = {
  'agent-footprint': (o) => agentFootprint({ runs: o.runs }),
  'agent-wire': () => agentWire(),
  reconcile: () =>
    reconcileBench({ sizes: [10_000, 100_000], packages: 500, licenses: 1000, packageDeviceIndex: true }),
};

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '7' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(`Usage: pnpm bench [--only ${Object.keys(BENCHMARKS).join(',')}] [--runs N]\n`);
  process.exit(0);
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(`--runs must be a positive whole number, got "${values.runs}"\n`);
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
  const markdown = await bench({ runs });
  process.stdout.write(`${markdown}\n`);
  writeSection(name, markdown);
}
