import { setFlagsFromString } from 'node:v8';
import { main } from './cli.ts';

// No optimising compiler (TurboFan): an inventory is a few tens of milliseconds of code that
// runs once, which the baseline tiers run as fast, while TurboFan's compiler code and memory
// added ~7 MB to every run's peak RSS (docs/benchmarks.md, agent footprint). Set before any
// code is hot enough to be optimised; the single executable (Node 22) cannot take V8 flags
// from its SEA config.
setFlagsFromString('--no-opt');

// No top-level await: the single-executable build bundles this entry as CommonJS.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`stocktake-agent: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 70;
  },
);
