import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../apps/server/test/helpers/harness.js';
import { OUTPUT, renderTypes } from '../scripts/generate.mjs';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('generated types', () => {
  it('src/generated/openapi.ts is what the server serves today (run `npm run generate -w @iqra/sdk`)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const expected = await renderTypes(res.json());
    const checkedIn = await readFile(OUTPUT, 'utf8');
    // A plain equality first: a diff of 4,000 lines is not a useful failure message.
    const same = checkedIn === expected;
    if (!same) {
      const a = checkedIn.split('\n');
      const b = expected.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(
        `The SDK's generated types drifted from the server's OpenAPI document at line ${line + 1}:\n` +
          `  checked in: ${a[line]}\n  served:     ${b[line]}\n` +
          'Run `npm run generate -w @iqra/sdk` and commit src/generated/openapi.ts.',
      );
    }
  });
});
