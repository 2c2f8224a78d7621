import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Iqra, WebhookVerificationError } from '../src/index.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('@iqra/sdk without a server', () => {
  it('refuses a secret key in a browser, accepts a client token there', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    expect(() => new Iqra({ apiKey: 'iqra_sk_abc' })).toThrow(/never reach a browser/);
    expect(() => new Iqra({ clientToken: 'iqra_ct_abc' })).not.toThrow();
  });

  it('verify agrees with the standardwebhooks library the server signs with', async () => {
    const secret = `whsec_${btoa('a secret of thirty-two bytes!!!!')}`;
    const body = JSON.stringify({ type: 'call.queued', timestamp: 'x', data: { id: 'call_1' } });
    const at = new Date();
    const headers = {
      'webhook-id': 'evt_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': `v1,bm90IGl0 ${new Webhook(secret).sign('evt_1', at, body)}`,
    };
    await expect(Iqra.webhooks.verify(body, headers, secret)).resolves.toMatchObject({
      type: 'call.queued',
    });
    await expect(
      Iqra.webhooks.verify(body, { ...headers, 'webhook-id': 'evt_2' }, secret),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(
      Iqra.webhooks.verify(body, { ...headers, 'webhook-signature': undefined }, secret),
    ).rejects.toThrow(/Missing/);
  });
});
