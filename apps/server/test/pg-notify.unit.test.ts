import { describe, expect, it } from 'vitest';
import { decodeNotice, encodeNotice, invalidationChannel } from '../src/cache/pg-notify.js';

describe('invalidation notices', () => {
  it('the channel names the schema, so deployments sharing a database in two schemas do not hear each other', () => {
    expect(invalidationChannel(undefined)).toBe('iqra_invalidations');
    expect(invalidationChannel('tenant_a')).toBe('iqra_invalidations_tenant_a');
    expect(invalidationChannel('tenant_a')).not.toBe(invalidationChannel('tenant_b'));
  });

  it('a long schema name is hashed into a channel within 63 bytes, still one per schema', () => {
    const long = 'a'.repeat(63);
    expect(invalidationChannel(long).length).toBeLessThanOrEqual(63);
    expect(invalidationChannel(long)).not.toBe(invalidationChannel(`${'a'.repeat(62)}b`));
  });

  it('carries ids and the origin only, and decodes to the same', () => {
    const payload = encodeNotice('node1', { keyId: 'key_1', userId: null });
    expect(JSON.parse(payload)).toEqual({ origin: 'node1', keyId: 'key_1' });
    expect(decodeNotice(payload)).toMatchObject({ origin: 'node1', keyId: 'key_1' });
  });

  it('a payload that would break PostgreSQL’s 8000-byte limit becomes "read the table"', () => {
    const payload = encodeNotice('node1', { businessId: 'x'.repeat(8000) });
    expect(JSON.parse(payload)).toEqual({ origin: 'node1', poll: true });
    expect(decodeNotice(payload)).toMatchObject({ origin: 'node1', poll: true });
  });

  it('anything else on the channel is not a notice', () => {
    for (const payload of [
      undefined,
      '',
      'nope',
      '[]',
      'null',
      '{"keyId":"k"}',
      '{"origin":"o","keyId":5}',
    ]) {
      expect(decodeNotice(payload)).toBeUndefined();
    }
  });
});
