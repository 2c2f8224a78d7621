import { describe, expect, it } from 'vitest';
import { decodeNotice, invalidationChannel } from '../src/cache/pg-notify.js';

describe('invalidation notices', () => {
  it('one channel per schema, so deployments sharing a database in two schemas do not hear each other', () => {
    expect(invalidationChannel('tenant_a')).toMatch(/^iqra_invalidations_[0-9a-f]{16}$/);
    expect(invalidationChannel('tenant_a')).toBe(invalidationChannel('tenant_a'));
    expect(invalidationChannel('tenant_a')).not.toBe(invalidationChannel('tenant_b'));
  });

  it('any schema name gives a channel within 63 bytes', () => {
    expect(invalidationChannel('a'.repeat(63)).length).toBeLessThanOrEqual(63);
  });

  it("decodes the trigger's payload: ids, absent ones null", () => {
    expect(decodeNotice('{"keyId":"key_1","userId":null,"businessId":null}')).toEqual({
      keyId: 'key_1',
      userId: null,
      businessId: null,
    });
  });

  it('a payload with no id (a row too big to announce) means "read the table"', () => {
    expect(decodeNotice('{}')).toEqual({ poll: true });
    expect(decodeNotice('{"keyId":null,"userId":null,"businessId":null}')).toEqual({ poll: true });
  });

  it('anything else on the channel is not a notice', () => {
    for (const payload of [undefined, '', 'nope', '[]', 'null', '5', '{"keyId":5}']) {
      expect(decodeNotice(payload)).toBeUndefined();
    }
  });
});
