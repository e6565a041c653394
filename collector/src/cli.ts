import { main } from './command-line.ts';

const code = await main(process.argv.slice(2));
// -1: a server is running; let it keep the process alive.
if (code >= 0) process.exitCode = code;
