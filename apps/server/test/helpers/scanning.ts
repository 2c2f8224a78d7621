import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from '../../src/http/types.js';

/** A secret scanning partner made up for a test: its key pairs and the key file GitHub publishes. */
export function fakePartner() {
  const current = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dir = mkdtempSync(join(tmpdir(), 'iqra-scanning-'));
  const file = join(dir, 'github-keys.json');
  const pem = current.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(
    file,
    JSON.stringify({
      public_keys: [
        { key_identifier: 'kid-current', key: pem, is_current: true },
        { key_identifier: 'kid-broken', key: 'not a key', is_current: false },
      ],
    }),
  );
  return { file, dir, privateKey: current.privateKey, strangerKey: stranger.privateKey };
}

export function signReport(body: string | Buffer, key: KeyObject): string {
  return sign('sha256', Buffer.from(body), { key, dsaEncoding: 'der' }).toString('base64');
}

export interface ReportOptions {
  key?: KeyObject;
  identifier?: string;
  /** Sent instead of the signed body (a tampered report). */
  sentBody?: string;
  signature?: string | null;
  contentType?: string;
  remoteAddress?: string;
}

/** POSTs a report to the partner endpoint, signed as the partner would unless told otherwise. */
export function postReport(app: App, body: string, key: KeyObject, options: ReportOptions = {}) {
  const signature =
    options.signature === undefined ? signReport(body, options.key ?? key) : options.signature;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'github-public-key-identifier': options.identifier ?? 'kid-current',
  };
  if (signature !== null) headers['github-public-key-signature'] = signature;
  return app.inject({
    method: 'POST',
    url: '/api/v1/secret-scanning/github',
    headers,
    payload: options.sentBody ?? body,
    remoteAddress: options.remoteAddress ?? '127.0.0.1',
  });
}
