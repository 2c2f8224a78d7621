import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The server's layers, top to bottom. A file may import from its own layer or any layer below;
 * `docs/ARCHITECTURE.md` draws the same picture.
 */
export const LAYERS: { name: string; members: string[] }[] = [
  { name: 'entry', members: ['cli.ts', 'main.ts'] },
  { name: 'composition', members: ['app.ts', 'compose.ts'] },
  {
    name: 'features',
    members: [
      'agents/',
      'audit/',
      'background/',
      'billing/',
      'businesses/',
      'calls/',
      'client-tokens/',
      'conversations/',
      'dashboard/',
      'events/',
      'keys/',
      'leaks/',
      'metrics/',
      'sessions/',
      'system/',
      'telephony/',
      'telephony-settings/',
      'users/',
      'webhooks/',
      'whitelabel/',
    ],
  },
  { name: 'auth', members: ['auth/', 'cache/'] },
  { name: 'http', members: ['http/'] },
  { name: 'db', members: ['db/'] },
  { name: 'leaves', members: ['config.ts', 'ids.ts', 'crypto/'] },
];

export interface SourceFile {
  /** Path relative to `src/`, with forward slashes. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  imports?: string;
  rule: string;
}

const IMPORT =
  /^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

export function layerOf(path: string): number {
  const index = LAYERS.findIndex((layer) =>
    layer.members.some((m) => (m.endsWith('/') ? path.startsWith(m) : path === m)),
  );
  return index;
}

function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash + 1);
}

/** The `src/`-relative paths a file imports (relative specifiers only), `.js` read as `.ts`. */
export function importsOf(file: SourceFile): string[] {
  const found: string[] = [];
  for (const match of file.text.matchAll(IMPORT)) {
    const spec = match[1] ?? match[2] ?? match[3];
    if (!spec?.startsWith('.')) continue;
    const target = normalize(join(dirname(file.path), spec)).replaceAll('\\', '/');
    found.push(target.replace(/\.js$/, '.ts'));
  }
  return found;
}

/** Every broken rule in a set of server source files. */
export function checkImportRules(files: SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    if (from === -1) {
      violations.push({ file: file.path, rule: 'belongs to no layer (add it to LAYERS)' });
      continue;
    }
    if (file.path !== 'config.ts' && /\bprocess\.env\b/.test(file.text)) {
      violations.push({ file: file.path, rule: 'reads process.env (only config.ts may)' });
    }
    for (const target of importsOf(file)) {
      if (target.startsWith('..')) {
        violations.push({ file: file.path, imports: target, rule: 'imports from outside src/' });
        continue;
      }
      const to = layerOf(target);
      if (to !== -1 && to < from) {
        violations.push({
          file: file.path,
          imports: target,
          rule: `${LAYERS[from]?.name} may not import ${LAYERS[to]?.name} (dependencies point down)`,
        });
      }
      const sameFolder = folderOf(target) === folderOf(file.path);
      if (target.endsWith('/routes.ts') && !sameFolder && from >= layerOf('agents/')) {
        violations.push({
          file: file.path,
          imports: target,
          rule: "imports another feature's routes.ts",
        });
      }
      if (file.path.startsWith('telephony/') && target.startsWith('calls/')) {
        violations.push({
          file: file.path,
          imports: target,
          rule: 'telephony/ knows nothing of calls/',
        });
      }
    }
    if (
      file.path.startsWith('telephony/') &&
      /\bapp\.(get|post|put|patch|delete|route)\(/.test(file.text)
    ) {
      violations.push({ file: file.path, rule: 'telephony/ registers no HTTP route' });
    }
  }
  return violations;
}

/** Reads every `.ts` file under `dir`, paths relative to it. */
export function readSources(dir: string, under = dir): SourceFile[] {
  const files: SourceFile[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...readSources(path, under));
    else if (/\.tsx?$/.test(name)) {
      files.push({
        path: relative(under, path).replaceAll('\\', '/'),
        text: readFileSync(path, 'utf8'),
      });
    }
  }
  return files;
}
