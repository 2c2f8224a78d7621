import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSources, type SourceFile } from './helpers/import-rules.js';

/**
 * On Node 20 an AsyncLocalStorage (or any async_hooks hook) turns on V8 promise hooks for every
 * promise in the process, requests included: about 5.5 µs of CPU per request on the
 * key-verification route, a sixth of its cost. Request data (the audit actor's address and user
 * agent) is passed explicitly instead (auth/actor.ts); this keeps the hook from coming back.
 */
const SPECIFIER =
  /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](?:node:)?async_hooks['"]/m;
const NAME = /\bAsyncLocalStorage\b/;

/** Comments may name it (to say why it is gone); code may not. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
}

function usingAsyncHooks(files: SourceFile[]): string[] {
  return files.filter((f) => SPECIFIER.test(f.text) || NAME.test(code(f.text))).map((f) => f.path);
}

describe('no async_hooks on the request path', () => {
  it('no file under apps/server/src imports node:async_hooks or uses AsyncLocalStorage', () => {
    const src = fileURLToPath(new URL('../src', import.meta.url));
    expect(usingAsyncHooks(readSources(src))).toEqual([]);
  });

  it('the check finds static, dynamic and require imports, and the name in code only', () => {
    const file = (path: string, text: string): SourceFile => ({ path, text });
    expect(
      usingAsyncHooks([
        file('a.ts', "import { AsyncLocalStorage } from 'node:async_hooks';"),
        file('b.ts', "const hooks = await import('async_hooks');"),
        file('c.ts', "const { createHook } = require('node:async_hooks');"),
        file('d.ts', 'const store = new (globalThis as any).AsyncLocalStorage();'),
        file(
          'e.ts',
          '// not an AsyncLocalStorage: passed explicitly\n/** nor AsyncLocalStorage */',
        ),
        file('f.ts', "import { x } from './async_hooks_free.js';"),
      ]),
    ).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
  });
});
