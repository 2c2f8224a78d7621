import { randomBytes } from 'node:crypto';

/** Every id prefix of the public contract. */
export type IdPrefix =
  | 'usr'
  | 'biz'
  | 'key'
  | 'agt'
  | 'call'
  | 'conv'
  | 'whk'
  | 'evt'
  | 'aud'
  | 'ntc';

// Crockford base32, lower case: sorts the same as the numbers it encodes.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const RANDOM_CHARS = 16; // 80 bits

let lastTime = -1;
let lastRandom: number[] = [];

/**
 * A ULID-shaped id with a type prefix: 48 bits of milliseconds then 80 random bits, so ids sort
 * by creation time and cannot be guessed. Ids made within one millisecond by this process
 * increase monotonically, which keeps keyset pagination stable.
 */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  if (now <= lastTime) {
    incrementRandom();
  } else {
    lastTime = now;
    const bytes = randomBytes(RANDOM_CHARS);
    lastRandom = Array.from(bytes, (b) => b & 31);
  }
  return `${prefix}_${encodeTime(lastTime)}${lastRandom.map((d) => ALPHABET[d]).join('')}`;
}

function incrementRandom(): void {
  for (let i = lastRandom.length - 1; i >= 0; i--) {
    const digit = lastRandom[i] ?? 0;
    if (digit < 31) {
      lastRandom[i] = digit + 1;
      return;
    }
    lastRandom[i] = 0;
  }
  // 80 bits overflowed within one millisecond: borrow the next millisecond.
  lastTime += 1;
}

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

const ID_PATTERN = /^[a-z]{3,4}_[0-9a-hjkmnp-tv-z]{26}$/;

/** True when `value` has the shape of an id with this prefix (no I/O). */
export function isId(prefix: IdPrefix, value: string): boolean {
  return value.startsWith(`${prefix}_`) && ID_PATTERN.test(value);
}
