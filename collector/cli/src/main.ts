import type { Io } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { runCli } from './run.ts';

// `stocktake … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const columns = Number(process.env.COLUMNS);
const io: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  // A terminal is cut to its width; a pipe is not cut unless COLUMNS says so.
  stdoutColumns: process.stdout.isTTY
    ? process.stdout.columns
    : Number.isInteger(columns) && columns > 0
      ? columns
      : undefined,
  stderrIsTty: process.stderr.isTTY === true,
  env: process.env,
};

process.exitCode = await runCli(process.argv.slice(2), io, COMMANDS);
