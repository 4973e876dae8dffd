import { defineConfig } from 'vitest/config';

const roots = ['api', 'workers', 'processes', 'deploy/local', 'web/src', 'tests'];
/** Tests that need PostgreSQL, the engine, the workers or Chromium. */
const integration = ['**/*.integration.test.ts', '**/*.process.test.ts', '**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    maxWorkers: 2,
    reporters: ['default', './tests/setup/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: roots.map((r) => `${r}/**/*.test.ts`),
          exclude: ['**/node_modules/**', ...integration],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: roots.flatMap((r) => integration.map((pattern) => `${r}/${pattern}`)),
          exclude: ['**/node_modules/**'],
          // One PostgreSQL, one engine and the workers for the whole run (tests/setup/global-setup.ts).
          globalSetup: ['tests/setup/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
