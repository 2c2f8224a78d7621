import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientTokenHandler } from '../../middleware/src/index.js';
import { Iqra, IqraError } from '../src/index.js';
import { type LiveServer, startLiveServer } from './helpers.js';

let s: LiveServer;
let iqra: Iqra;
let businessId: string;

beforeAll(async () => {
  s = await startLiveServer();
  iqra = new Iqra({ apiKey: s.key, baseUrl: s.baseUrl });
  businessId = (await iqra.businesses.create({ name: 'Browser app' })).id;
});

afterAll(async () => {
  await s?.close();
});

describe('client tokens through the SDK and the middleware, against a real server', () => {
  it('clientTokens.create mints a token a clientToken client can use; revokeClientTokens kills it', async () => {
    const minted = await iqra.clientTokens.create({
      businessId,
      permissions: { conversations: 'read' },
      ttlSeconds: 120,
    });
    expect(minted.token).toMatch(/^iqra_ct_/);
    const browser = new Iqra({ clientToken: minted.token, baseUrl: s.baseUrl });
    expect(await browser.conversations.list(businessId).toArray()).toEqual([]);
    const denied = await browser.agents
      .list(businessId)
      .toArray()
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(IqraError);
    expect((denied as IqraError).code).toBe('permission_denied');

    await iqra.apiKeys.revokeClientTokens(s.keyId);
    const dead = await browser.conversations
      .list(businessId)
      .toArray()
      .catch((e: unknown) => e);
    expect((dead as IqraError).status).toBe(401);
  });

  it('clientTokenHandler mints for the business authorize returns, and never answers the key', async () => {
    const handler = clientTokenHandler({
      apiKey: s.key,
      baseUrl: s.baseUrl,
      authorize: async () => businessId,
      permissions: { conversations: 'read', calls: 'read' },
    });
    const res = await handler(new Request('http://app.local/token', { method: 'POST' }));
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain('iqra_sk_');
    const body = JSON.parse(text) as { token: string; businessId: string };
    expect(body.businessId).toBe(businessId);
    const browser = new Iqra({ clientToken: body.token, baseUrl: s.baseUrl });
    expect(await browser.calls.list(businessId).toArray()).toEqual([]);
  });
});
