import { main } from './cli.ts';

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
