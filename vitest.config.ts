import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/src/**/*.test.ts', 'adapters/*/src/**/*.test.ts', 'cli/src/**/*.test.ts', 'docs-site/src/**/*.test.ts', 'test/src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
