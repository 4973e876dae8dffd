import { defineConfig } from 'vitest/config';

const roots = ['api', 'workers', 'processes', 'deploy/local', 'web/src', 'tests'];
/** Tests that need PostgreSQL, the engine, the workers or Chromium. */
const integration = ['**/*.integration.test.ts', '**/*.process.test.ts', '**/*.e2e.test.ts'];
/** Tests that change what every other test relies on (e.g. deploy a new exam-registration): run alone, last. */
const exclusive = 'tests/exclusive/**/*.test.ts';
/** One PostgreSQL, one engine and the workers for the whole run, shared by both integration projects. */
const environment = { globalSetup: ['tests/setup/global-setup.ts'], testTimeout: 60_000, hookTimeout: 240_000 };

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
          exclude: ['**/node_modules/**', exclusive],
          ...environment,
        },
      },
      {
        extends: true,
        test: {
          name: 'exclusive',
          include: [exclusive],
          exclude: ['**/node_modules/**'],
          ...environment,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
