import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const serverTests = 'apps/server/test/**/*.test.ts';
const unitTests = 'apps/server/test/**/*.unit.test.ts';
const browserTests = 'apps/server/test/**/*.e2e.test.ts';

/**
 * The server suite runs twice, once per engine: SQLite (embedded default) and PostgreSQL
 * (a fresh schema per test file). Pure unit tests run once. The dashboard has component tests
 * (happy-dom) and end-to-end tests in Debian's Chromium against the built app (`npm run build`).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'unit', include: [unitTests] } },
      {
        test: {
          name: 'sqlite',
          include: [serverTests],
          exclude: [unitTests, browserTests],
          env: { IQRA_TEST_DB: 'sqlite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'postgres',
          include: [serverTests],
          exclude: [unitTests, browserTests],
          env: { IQRA_TEST_DB: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'dashboard',
          include: ['apps/dashboard/test/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['apps/dashboard/test/setup.ts'],
        },
      },
      // The SDK and the middleware, against a real server on SQLite (in memory).
      {
        test: {
          name: 'sdk',
          include: ['packages/sdk/test/**/*.test.ts'],
          env: { IQRA_TEST_DB: 'sqlite' },
        },
      },
      {
        test: {
          name: 'middleware',
          include: ['packages/middleware/test/**/*.test.ts'],
          env: { IQRA_TEST_DB: 'sqlite' },
        },
      },
      // Debian's Chromium driven by playwright-core, against a real server on SQLite.
      {
        test: {
          name: 'e2e',
          include: [
            browserTests,
            'apps/dashboard/e2e/**/*.e2e.test.ts',
            'examples/**/*.e2e.test.ts',
          ],
          env: { IQRA_TEST_DB: 'sqlite' },
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
