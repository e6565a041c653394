import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{agent,collector,collector/cli,shared,scripts}/src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
