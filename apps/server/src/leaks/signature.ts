import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ApiError } from '../http/errors.js';

/**
 * A secret scanning partner's signature: ECDSA P-256 with SHA-256 over the exact raw body,
 * base64 DER in `Github-Public-Key-Signature`, by the key `Github-Public-Key-Identifier` names
 * in the partner's published key list (`{ "public_keys": [{ key_identifier, key, is_current }] }`).
 */
export interface PartnerSignature {
  identifier: string | undefined;
  signature: string | undefined;
}

/**
 * Read on every report (the file is small and reports are rare), so an operator who adds the
 * partner's next key needs no restart. An unreadable or malformed file is the operator's error:
 * 503, never a silent pass.
 */
export async function loadPartnerKeys(file: string): Promise<Map<string, KeyObject>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new ApiError('service_unavailable', 'The secret scanning key file cannot be read.', {
      cause,
    });
  }
  const list = (parsed as { public_keys?: unknown }).public_keys;
  const keys = new Map<string, KeyObject>();
  if (!Array.isArray(list)) return keys;
  for (const entry of list as { key_identifier?: unknown; key?: unknown }[]) {
    if (typeof entry?.key_identifier !== 'string' || typeof entry.key !== 'string') continue;
    try {
      const key = createPublicKey(entry.key);
      if (key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
        keys.set(entry.key_identifier, key);
    } catch {
      // A malformed entry signs nothing; the others still work.
    }
  }
  return keys;
}

/** True only for a well-formed signature, by a listed key, over exactly these bytes. */
export function verifyPartnerSignature(
  keys: Map<string, KeyObject>,
  { identifier, signature }: PartnerSignature,
  raw: Buffer,
): boolean {
  if (!identifier || !signature || signature.length > 512) return false;
  const key = keys.get(identifier);
  if (!key) return false;
  const der = Buffer.from(signature, 'base64');
  if (der.length === 0) return false;
  try {
    return verify('sha256', raw, { key, dsaEncoding: 'der' }, der);
  } catch {
    return false;
  }
}
