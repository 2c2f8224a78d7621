import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateKey, isWellFormedKey } from '../src/auth/key-format.js';

const doc = readFileSync(new URL('../../../docs/secret-scanning.md', import.meta.url), 'utf8');

describe('docs/secret-scanning.md', () => {
  it('its worked example is a key the server calls well formed, with the checksum shown', () => {
    const example = doc.match(/\| the key \| `(iqra_sk_[0-9A-Za-z]+)` \|/)?.[1] ?? '';
    expect(isWellFormedKey(example)).toBe(true);
    expect(example.slice(-6)).toBe(doc.match(/\| checksum \| `([0-9A-Za-z]{6})` \|/)?.[1]);
    expect(doc).toContain(`assert checksum("${example.slice(8, 40)}") == "${example.slice(-6)}"`);
  });

  it('its gitleaks regex matches real keys and not longer runs', () => {
    const source = doc.match(/regex = '''(.+)'''/)?.[1] ?? '';
    const rule = new RegExp(source);
    const key = generateKey();
    expect(rule.exec(`token = "${key}"`)?.[1]).toBe(key);
    expect(rule.test(`token = "${key}x"`)).toBe(false);
    expect(doc).toContain('iqra_sk_[0-9A-Za-z]{38}');
  });
});
