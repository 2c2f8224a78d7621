import { describe, expect, it, vi } from 'vitest';
import {
  generateKey,
  isWellFormedKey,
  KEY_LENGTH,
  keyHasher,
  keyHint,
} from '../src/auth/key-format.js';
import { KeyVerifier } from '../src/auth/key-verifier.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('API key format', () => {
  it('is iqra_sk_ + 32 random base62 + 6 checksum characters', () => {
    const key = generateKey();
    expect(key).toMatch(/^iqra_sk_[0-9A-Za-z]{38}$/);
    expect(key).toHaveLength(KEY_LENGTH);
    expect(KEY_LENGTH).toBe(46);
    expect(isWellFormedKey(key)).toBe(true);
  });

  it('never repeats and uses the whole alphabet', () => {
    const keys = new Set(Array.from({ length: 2000 }, generateKey));
    expect(keys.size).toBe(2000);
    const seen = new Set([...keys].flatMap((k) => [...k.slice(8, 40)]));
    expect(seen.size).toBe(62);
  });

  it('rejects every one-character typo by checksum alone', () => {
    const key = generateKey();
    for (let i = 8; i < key.length; i++) {
      for (const c of BASE62) {
        if (c === key[i]) continue;
        const typo = key.slice(0, i) + c + key.slice(i + 1);
        expect(isWellFormedKey(typo), `${i}:${c}`).toBe(false);
      }
    }
  });

  it('rejects a typo without reading the database', async () => {
    const findByHash = vi.fn(async () => []);
    const verifier = new KeyVerifier({
      hash: keyHasher('p'.repeat(32)),
      findByHashes: findByHash,
      findById: async () => undefined,
    });
    const key = generateKey();
    const typo = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    expect(await verifier.verify(typo)).toEqual({ ok: false, reason: 'malformed' });
    expect(findByHash).not.toHaveBeenCalled();
    // A well-formed key does reach the lookup.
    expect(await verifier.verify(key)).toEqual({ ok: false, reason: 'unknown' });
    expect(findByHash).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['empty', ''],
    ['prefix only', 'iqra_sk_'],
    ['wrong prefix', generateKey().replace('iqra_sk_', 'iqra_pk_')],
    ['upper-case prefix', generateKey().replace('iqra_sk_', 'IQRA_SK_')],
    ['missing prefix', generateKey().slice(8)],
    ['one short', generateKey().slice(0, -1)],
    ['one long', `${generateKey()}a`],
    ['non-base62 character', `${generateKey().slice(0, 20)}-${generateKey().slice(21)}`],
    ['whitespace inside', `${generateKey().slice(0, 20)} ${generateKey().slice(21)}`],
    ['trailing newline', `${generateKey()}\n`],
    ['unicode look-alike', generateKey().replace(/a/g, 'а')],
    [
      'swapped checksum',
      (() => {
        const a = generateKey();
        const b = generateKey();
        return a.slice(0, 40) + b.slice(40);
      })(),
    ],
    ['very long', `iqra_sk_${'a'.repeat(10_000)}`],
  ])('rejects a malformed key: %s', (_label, value) => {
    expect(isWellFormedKey(value)).toBe(false);
  });

  it('keeps a display hint that cannot be used as the key', () => {
    const key = generateKey();
    const hint = keyHint(key);
    expect(hint.prefix).toBe(key.slice(0, 12));
    expect(hint.lastFour).toBe(key.slice(-4));
    expect(hint.prefix.length + hint.lastFour.length).toBeLessThan(key.length / 2);
  });

  it('hashes with the pepper: same key, other pepper, other hash', () => {
    const key = generateKey();
    const a = keyHasher('a'.repeat(32));
    const b = keyHasher('b'.repeat(32));
    expect(a(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(a(key)).toBe(a(key));
    expect(a(key)).not.toBe(b(key));
  });
});
