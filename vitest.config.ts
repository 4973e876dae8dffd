import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['api/**/*.test.ts', 'workers/**/*.test.ts', 'processes/**/*.test.ts', 'deploy/local/**/*.test.ts', 'web/src/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'web/dist/**'],
    environment: 'node',
    // One PostgreSQL, one engine and the workers for the whole run (see tests/setup/global-setup.ts).
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    maxWorkers: 2,
    reporters: ['default', './tests/setup/summary-reporter.ts'],
  },
});
