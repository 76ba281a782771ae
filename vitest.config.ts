import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share one Postgres and one Redis; files run one after another.
    fileParallelism: false,
    globalSetup: ['tests/support/global-setup.ts'],
    // Addresses are hashed with an install's key: tests use the test apps' (tests/support/app.ts).
    setupFiles: ['tests/support/address-key.ts'],
  },
});
