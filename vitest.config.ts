import { defineConfig } from 'vitest/config';

const serverTests = 'apps/server/test/**/*.test.ts';
const unitTests = 'apps/server/test/**/*.unit.test.ts';

/**
 * The server suite runs twice, once per engine: SQLite (embedded default) and PostgreSQL
 * (a fresh schema per test file). Pure unit tests run once.
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
          exclude: [unitTests],
          env: { IQRA_TEST_DB: 'sqlite' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'postgres',
          include: [serverTests],
          exclude: [unitTests],
          env: { IQRA_TEST_DB: 'postgres' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
