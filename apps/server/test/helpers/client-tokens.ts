import type { App } from '../../src/http/types.js';
import { type Credential, call } from './client.js';

export interface MintBody {
  businessId: string;
  permissions: Record<string, string>;
  ttlSeconds?: number;
}

/** Mints a client token through the real route; throws unless it answers 201. */
export async function mintToken(app: App, key: string, body: MintBody): Promise<string> {
  const res = await call(app, {
    method: 'POST',
    url: '/api/v1/client-tokens',
    as: { key },
    body,
  });
  if (res.statusCode !== 201) throw new Error(`mint failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export const asToken = (token: string): Credential => ({ authorization: `Token ${token}` });

/** The token with one character of its signature changed. */
export function tamperSignature(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.at(-1)}`;
}

/** The token with its claims rewritten (another business) and the old signature kept. */
export function tamperClaims(token: string, businessId: string): string {
  const body = token.slice('iqra_ct_'.length, token.indexOf('.'));
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { b: string };
  claims.b = businessId;
  const forged = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `iqra_ct_${forged}${token.slice(token.indexOf('.'))}`;
}
