// Test-only preload (`node --import`): writes every module the process loads to the file named by
// IQRA_TEST_MODULES_FILE, one per line, so a test can tell from outside which packages a server
// process loaded. ES modules are written by a load hook as they load. Node 20's hooks do not see
// `require()`, so the CommonJS modules are written from `require.cache` when the process exits.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.IQRA_TEST_MODULES_FILE;
if (!out) throw new Error('record-modules.mjs needs IQRA_TEST_MODULES_FILE');

register('./record-modules-hooks.mjs', import.meta.url, { data: { out } });

const require = createRequire(import.meta.url);
process.on('exit', () => {
  appendFileSync(
    out,
    Object.keys(require.cache)
      .map((path) => `${path}\n`)
      .join(''),
  );
});
