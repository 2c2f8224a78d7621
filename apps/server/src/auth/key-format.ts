import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * API key format: `iqra_sk_` + 32 random base62 characters (≈190 bits) + 6 base62 characters
 * encoding the CRC32 of the random part. The checksum lets the server and secret scanners reject
 * a mistyped or made-up key without touching the database.
 */
export const KEY_PREFIX = 'iqra_sk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
export const KEY_LENGTH = KEY_PREFIX.length + RANDOM_LENGTH + CHECKSUM_LENGTH;
const KEY_SHAPE = new RegExp(`^${KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);
/** Display hint: the first 12 characters. */
const HINT_PREFIX_LENGTH = 12;

/** A new key, from `crypto.randomBytes` with rejection sampling so every character is uniform. */
export function generateKey(): string {
  let random = '';
  while (random.length < RANDOM_LENGTH) {
    for (const byte of randomBytes(RANDOM_LENGTH * 2)) {
      // 248 = 4 × 62: bytes above it would bias the first characters of the alphabet.
      if (byte < 248 && random.length < RANDOM_LENGTH) random += BASE62[byte % 62];
    }
  }
  return KEY_PREFIX + random + checksumOf(random);
}

function checksumOf(random: string): string {
  let n = crc32(random);
  let out = '';
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** True when `value` has the key's shape and its checksum matches. Pure: no I/O. */
export function isWellFormedKey(value: string): boolean {
  if (value.length !== KEY_LENGTH || !KEY_SHAPE.test(value)) return false;
  const body = value.slice(KEY_PREFIX.length);
  const random = body.slice(0, RANDOM_LENGTH);
  return body.slice(RANDOM_LENGTH) === checksumOf(random);
}

/** What the server keeps to show a key later: never enough to use it. */
export function keyHint(key: string): { prefix: string; lastFour: string } {
  return { prefix: key.slice(0, HINT_PREFIX_LENGTH), lastFour: key.slice(-4) };
}

export type KeyHasher = (key: string) => string;

/** HMAC-SHA256 keyed with the server pepper: a stolen table cannot be brute-forced offline. */
export function keyHasher(pepper: string): KeyHasher {
  const secret = createSecretKey(Buffer.from(pepper, 'utf8'));
  return (key) => createHmac('sha256', secret).update(key).digest('hex');
}
