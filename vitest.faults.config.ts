import { defineConfig } from 'vitest/config';

/** The long fault-injection series (`pnpm test:faults`): kept out of `vitest run`'s include list. */
export default defineConfig({
  test: {
    include: ['test/src/faults/**/*.series.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
