import { createReadStream } from 'node:fs';
import { lstat, opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { isWellFormedKey } from '../auth/key-format.js';

/** What `iqra scan` found: where, what kind, and the secret itself (only ever printed masked). */
export interface Finding {
  file: string;
  line: number;
  kind: 'api_key' | 'client_token';
  secret: string;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
// Longer runs of the alphabet are read whole, then judged by length and checksum: a key glued to
// more base62 text is not a key (and not a false alarm either).
const CANDIDATE = /iqra_(sk|ct)_[0-9A-Za-z]+/g;
const CLIENT_TOKEN_MIN = 32;
/** A token is far shorter than this: what a line keeps while it has no end yet. */
const CARRY = 256;
const CHUNK = 64 * 1024;

/** `iqra_sk_4f9Q…x2aB`: the display hint the server keeps too, never the whole secret. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 12)}…${secret.slice(-4)}`;
}

function classify(candidate: string): Finding['kind'] | undefined {
  if (candidate.startsWith('iqra_sk_')) return isWellFormedKey(candidate) ? 'api_key' : undefined;
  return candidate.length - 'iqra_ct_'.length >= CLIENT_TOKEN_MIN ? 'client_token' : undefined;
}

/** Every file under the paths, in a stable order, without `.git`, `node_modules` or symlinks. */
export async function listFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  async function visit(path: string): Promise<void> {
    const info = await lstat(path);
    if (info.isFile()) {
      files.push(path);
      return;
    }
    if (!info.isDirectory()) return;
    const entries: string[] = [];
    for await (const entry of await opendir(path)) {
      if (entry.isDirectory() && SKIPPED_DIRS.has(entry.name)) continue;
      if (entry.isDirectory() || entry.isFile()) entries.push(entry.name);
    }
    for (const name of entries.sort()) await visit(join(path, name));
  }
  for (const path of paths) await visit(path);
  return files;
}

/**
 * Streams one file in 64 KiB chunks, so a minified megabyte line costs no more memory than a
 * short one. A file with a NUL byte in its first chunk is binary and skipped (null).
 */
export async function scanFile(file: string): Promise<Finding[] | null> {
  const findings: Finding[] = [];
  let line = 1;
  let pending = '';
  let seenOnLine = new Set<string>();
  let first = true;
  const look = (text: string, at: number) => {
    for (const match of text.matchAll(CANDIDATE)) {
      const kind = classify(match[0]);
      if (kind && !seenOnLine.has(match[0])) {
        seenOnLine.add(match[0]);
        findings.push({ file, line: at, kind, secret: match[0] });
      }
    }
  };
  // latin1: one byte per character, so a chunk boundary never splits a character we look for.
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: CHUNK })) {
    const text = chunk as string;
    if (first && text.includes('\0')) return null;
    first = false;
    const lines = (pending + text).split('\n');
    pending = lines.pop() ?? '';
    for (const complete of lines) {
      look(complete, line);
      line++;
      seenOnLine = new Set();
    }
    if (pending.length > CHUNK) {
      // A line with no end in sight: look now, keep only a tail long enough to hold a token.
      look(pending, line);
      pending = pending.slice(-CARRY);
    }
  }
  look(pending, line);
  return findings;
}

/** Scans every file under `paths`, a few at a time; findings come back in path and line order. */
export async function scanPaths(
  paths: string[],
): Promise<{ findings: Finding[]; files: number; skipped: number }> {
  const files = await listFiles(paths);
  const results: (Finding[] | null)[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const index = next++;
      // A file that vanished or cannot be read is skipped like a binary one.
      results[index] = await scanFile(files[index] as string).catch(() => null);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return {
    findings: results.flatMap((r) => r ?? []),
    files: files.length,
    skipped: results.filter((r) => r === null).length,
  };
}
