import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkImportRules,
  importsOf,
  readSources,
  type SourceFile,
} from './helpers/import-rules.js';

const src = fileURLToPath(new URL('../src', import.meta.url));
const dashboard = fileURLToPath(new URL('../../dashboard/src', import.meta.url));

describe('import rules (docs/ARCHITECTURE.md)', () => {
  it('apps/server/src: dependencies point down, and every file belongs to a layer', () => {
    expect(checkImportRules(readSources(src))).toEqual([]);
  });

  it('the dashboard imports nothing from apps/server (it talks to it over HTTP)', () => {
    const reaching = readSources(dashboard).filter((file) =>
      /from\s+['"][^'"]*(apps\/server|@iqra\/server)/.test(file.text),
    );
    expect(reaching.map((f) => f.path)).toEqual([]);
  });
});

/** The check's own tests: each rule, broken once on a fixture, is reported. */
describe('the import-rules check', () => {
  const file = (path: string, text: string): SourceFile => ({ path, text });
  const rules = (...files: SourceFile[]) => checkImportRules(files).map((v) => v.rule);

  it('reads static, re-export, side-effect and dynamic imports, .js as .ts', () => {
    const f = file(
      'calls/service.ts',
      "import { a } from '../db/schema.js';\nexport { b } from './repo.js';\nimport './x.js';\nconst m = await import('../telephony/twilio.js');\nimport { c } from 'kysely';",
    );
    expect(importsOf(f)).toEqual([
      'db/schema.ts',
      'calls/repo.ts',
      'calls/x.ts',
      'telephony/twilio.ts',
    ]);
  });

  it('db/ importing a feature is refused', () => {
    expect(rules(file('db/connect.ts', "import { x } from '../calls/repo.js';"))).toEqual([
      'db may not import features (dependencies point down)',
    ]);
  });

  it('http/ importing a feature or auth is refused', () => {
    expect(
      rules(file('http/openapi.ts', "import type { A } from '../auth/principal.js';")),
    ).toEqual(['http may not import auth (dependencies point down)']);
  });

  it("a feature importing another feature's routes.ts is refused; its own is fine", () => {
    expect(
      rules(file('agents/routes.ts', "import { BusinessParams } from '../businesses/routes.js';")),
    ).toEqual(["imports another feature's routes.ts"]);
    expect(rules(file('agents/service.ts', "import type { X } from './routes.js';"))).toEqual([]);
  });

  it('telephony/ importing calls/ or registering a route is refused', () => {
    expect(
      rules(file('telephony/simulator.ts', "import type { CallRow } from '../calls/views.js';")),
    ).toEqual(['telephony/ knows nothing of calls/']);
    expect(rules(file('telephony/routes.ts', "app.post('/x', handler);"))).toEqual([
      'telephony/ registers no HTTP route',
    ]);
  });

  it('process.env outside config.ts is refused', () => {
    expect(rules(file('calls/dispatcher.ts', 'const n = process.env.N;'))).toEqual([
      'reads process.env (only config.ts may)',
    ]);
    expect(rules(file('config.ts', 'const n = process.env.N;'))).toEqual([]);
  });

  it('a file in no layer is reported, so a new folder must be placed', () => {
    expect(rules(file('misc/thing.ts', ''))).toEqual(['belongs to no layer (add it to LAYERS)']);
  });

  it('importing upward (auth → feature, leaves → db) is refused; downward is fine', () => {
    expect(rules(file('auth/guard.ts', "import { x } from '../keys/repo.js';"))).toEqual([
      'auth may not import features (dependencies point down)',
    ]);
    expect(rules(file('ids.ts', "import { x } from './db/schema.js';"))).toEqual([
      'leaves may not import db (dependencies point down)',
    ]);
    expect(rules(file('keys/service.ts', "import { x } from '../auth/guard.js';"))).toEqual([]);
  });
});
