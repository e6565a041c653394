import { buildConsole } from './build.ts';

/**
 * The tests' global set-up: the console is built before any test runs, so the collector's
 * console routes and the browser tests serve what `pnpm build` would ship, on a fresh clone too.
 */
export default async function setup(): Promise<void> {
  await buildConsole();
}
