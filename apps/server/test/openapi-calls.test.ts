import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/harness.js';

let t: TestApp;
let doc: {
  paths: Record<
    string,
    Record<
      string,
      {
        tags?: string[];
        summary?: string;
        responses: Record<string, unknown>;
        parameters?: { name: string; in: string }[];
      }
    >
  >;
  tags: { name: string }[];
};

beforeAll(async () => {
  t = await startTestApp();
  doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
});

afterAll(async () => {
  await t?.close();
});

describe('OpenAPI reference for calls, conversations, webhooks and billing', () => {
  it('documents every new route with a tag and a summary', () => {
    const expected: [string, string, string][] = [
      ['/api/v1/businesses/{businessId}/agents', 'post', 'Agents'],
      ['/api/v1/businesses/{businessId}/agents/{agentId}', 'patch', 'Agents'],
      ['/api/v1/businesses/{businessId}/calls', 'post', 'Calls'],
      ['/api/v1/businesses/{businessId}/calls/{callId}/cancel', 'post', 'Calls'],
      ['/api/v1/businesses/{businessId}/conversations', 'get', 'Conversations'],
      ['/api/v1/businesses/{businessId}/conversations/{conversationId}', 'get', 'Conversations'],
      ['/api/v1/businesses/{businessId}/telephony', 'put', 'Telephony'],
      ['/api/v1/businesses/{businessId}/webhooks', 'post', 'Webhooks'],
      ['/api/v1/businesses/{businessId}/webhooks/{webhookId}/deliveries', 'get', 'Webhooks'],
      ['/api/v1/user/billing', 'get', 'Billing'],
      ['/api/v1/user/usage', 'get', 'Billing'],
    ];
    for (const [path, method, tag] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      expect(op?.tags).toEqual([tag]);
      expect(op?.summary).toBeTruthy();
    }
    for (const tag of ['Agents', 'Calls', 'Conversations', 'Telephony', 'Webhooks', 'Billing']) {
      expect(doc.tags.map((x) => x.name)).toContain(tag);
    }
  });

  it('documents the call answers a client must handle: 402, 422, the Idempotency-Key header', () => {
    const post = doc.paths['/api/v1/businesses/{businessId}/calls']?.post;
    expect(Object.keys(post?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '201', '400', '401', '402', '403', '404', '422', '429']),
    );
    expect(post?.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key')).toBe(
      true,
    );
    const cancel = doc.paths['/api/v1/businesses/{businessId}/calls/{callId}/cancel']?.post;
    expect(Object.keys(cancel?.responses ?? {})).toContain('409');
  });

  it('keeps the Twilio callback out of the reference and secrets out of the schemas', () => {
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/telephony'))).toBe(false);
    // Answers refer to named schemas: follow each $ref to the schema a client sees.
    const schemas = (doc as unknown as { components: { schemas: Record<string, unknown> } })
      .components.schemas;
    const resolved = (value: unknown) =>
      JSON.stringify(value).replace(/\{"\$ref":"#\/components\/schemas\/(\w+)"\}/g, (_m, name) =>
        JSON.stringify(schemas[name]),
      );
    const text = resolved(doc.paths['/api/v1/businesses/{businessId}/telephony']?.get);
    expect(text).not.toContain('authToken');
    const list = resolved(doc.paths['/api/v1/businesses/{businessId}/webhooks']?.get);
    expect(list).not.toContain('"secret"');
    const create = resolved(
      doc.paths['/api/v1/businesses/{businessId}/webhooks']?.post?.responses['201'],
    );
    expect(create).toContain('"secret"');
  });
});
