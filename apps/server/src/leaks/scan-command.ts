import { existsSync } from 'node:fs';
import { systemActor } from '../auth/actor.js';
import { type Finding, maskSecret, scanPaths } from './scan.js';
import type { KeyInspection, LeakOutcome, LeakService } from './service.js';

export interface ScanOptions {
  /** Look each key up in the database (`--check`). */
  inspect?: (secret: string) => Promise<KeyInspection>;
  /** Revoke each key as leaked, with cascade (`--revoke`). */
  revoke?: (secret: string) => Promise<LeakOutcome | undefined>;
  json?: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `--check` looks keys up; `--revoke` (which checks too) revokes them as leaked, actor `cli`. */
export function scanLookups(
  leaks: Pick<LeakService, 'inspect' | 'respond'>,
  flags: { check?: boolean; revoke?: boolean },
): Pick<ScanOptions, 'inspect' | 'revoke'> {
  return {
    inspect: flags.check || flags.revoke ? (secret) => leaks.inspect(secret) : undefined,
    revoke: flags.revoke
      ? (secret) =>
          leaks.respond(secret, { actor: systemActor('cli'), url: null, source: 'iqra scan' })
      : undefined,
  };
}

interface Row {
  file: string;
  line: number;
  type: Finding['kind'];
  masked: string;
  status?: KeyInspection['status'];
  keyId?: string;
  keyName?: string;
  ownerEmail?: string;
  revoked?: boolean;
  cascaded?: string[];
}

/**
 * `iqra scan`: prints `FILE:LINE  iqra_sk_4f9Q…x2aB` per finding (never a whole secret) and
 * resolves to the exit status: 1 when a well-formed API key was found, 2 for a path that does not
 * exist, else 0. Client tokens are
 * listed but do not fail the scan: they expire by themselves.
 */
export async function runScan(paths: string[], options: ScanOptions): Promise<number> {
  const started = performance.now();
  const roots = paths.length > 0 ? paths : ['.'];
  const missing = roots.find((path) => !existsSync(path));
  if (missing !== undefined) {
    options.err(`iqra: ${missing}: no such file or directory.`);
    return 2;
  }
  const { findings, files, skipped } = await scanPaths(roots);
  const rows: Row[] = [];
  for (const finding of findings) {
    const row: Row = {
      file: finding.file,
      line: finding.line,
      type: finding.kind,
      masked: maskSecret(finding.secret),
    };
    if (finding.kind === 'api_key' && options.inspect) {
      const found = await options.inspect(finding.secret);
      row.status = found.status;
      if (found.status !== 'unknown') {
        Object.assign(row, {
          keyId: found.keyId,
          keyName: found.keyName,
          ownerEmail: found.ownerEmail,
        });
      }
    }
    if (finding.kind === 'api_key' && options.revoke) {
      const outcome = await options.revoke(finding.secret);
      row.revoked = outcome?.revocation.changed ?? false;
      row.cascaded = outcome?.revocation.cascaded ?? [];
    }
    rows.push(row);
  }
  if (options.json) {
    options.out(JSON.stringify(rows, null, 2));
  } else {
    for (const row of rows) options.out(describe(row));
  }
  const keys = rows.filter((r) => r.type === 'api_key').length;
  const ms = Math.round(performance.now() - started);
  options.err(
    `${keys} API key(s) and ${rows.length - keys} client token(s) found; ${files} file(s) scanned (${skipped} binary or unreadable skipped) in ${ms} ms.`,
  );
  return keys > 0 ? 1 : 0;
}

function describe(row: Row): string {
  const parts = [`${row.file}:${row.line}`, row.masked];
  if (row.type === 'client_token') parts.push('client token (expires by itself)');
  if (row.status) {
    parts.push(
      row.status === 'unknown' ? 'unknown' : `${row.status}\t${row.ownerEmail}\t"${row.keyName}"`,
    );
  }
  if (row.revoked !== undefined) {
    parts.push(
      row.revoked || (row.cascaded?.length ?? 0) > 0
        ? `revoked as leaked (${row.cascaded?.length ?? 0} descendant(s) too)`
        : 'nothing to revoke',
    );
  }
  return parts.join('  ');
}
