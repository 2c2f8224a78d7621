import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const fixture = resolve(here, 'fixtures/strict-usage.ts');
const tsc = resolve(here, '../../../node_modules/typescript/bin/tsc');

describe('generated types under tsc --strict', () => {
  it('a script using the client and the generated types compiles under --strict with no casts', async () => {
    const source = await readFile(fixture, 'utf8');
    expect(source).not.toMatch(/\bas\s+(?!const\b)[A-Za-z{[]/);
    expect(source).not.toMatch(/\bany\b/);
    expect(source).not.toMatch(/@ts-(ignore|expect-error|nocheck)/);
    const args = [tsc, '-p', resolve(here, 'fixtures/tsconfig.json'), '--strict'];
    const result = await promisify(execFile)(process.execPath, args, { cwd: here }).catch(
      (error: { stdout: string; code: number }) => error,
    );
    expect('code' in result ? result.stdout : '').toBe('');
  }, 60_000);
});
