import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The PostgreSQL engine's tests, and tests elsewhere named `<thing>.postgres.test.ts`, run on a
 * throwaway server their global setup starts; only a run that includes one of them starts it (vitest sets up a project only when it has files to run).
 */
const POSTGRES_TESTS = ['collector/src/store/postgres/**/*.test.ts', '{collector/src,test}/**/*.postgres.test.ts'];

export default defineConfig({
  test: {
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    testTimeout: 30_000,
    // Two test files at a time at least. Vitest's default, one fewer than the cores, runs them one
    // by one on a 2-core machine (CI's), where the suite spends much of its time waiting for the
    // processes it starts (collectors, agents, PostgreSQL, a browser): two at a time took the run
    // from 1,018 s to 693 s there, every test passing.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'stocktake',
          include: [
            '{agent,collector,collector/cli,collector/console,shared,scripts}/src/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, ...POSTGRES_TESTS],
          // The web console is built first: the collector serves it and the browser tests drive it.
          globalSetup: ['collector/console/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_TESTS,
          globalSetup: ['collector/src/store/postgres/test-support/global-setup.test-support.ts'],
        },
      },
    ],
  },
});
