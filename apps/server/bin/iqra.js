#!/usr/bin/env node
// The `iqra` command. In a checkout it runs the TypeScript sources through tsx, so it is never
// stale; an install without dev dependencies runs the compiled `dist/`.
import { existsSync } from 'node:fs';

const sources = new URL('../src/cli.ts', import.meta.url);
const compiled = new URL('../dist/cli.js', import.meta.url);

let cli;
try {
  if (!existsSync(sources)) throw new Error('no sources');
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(sources.href);
} catch {
  cli = await import(compiled.href);
}
const code = await cli.runCli(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
