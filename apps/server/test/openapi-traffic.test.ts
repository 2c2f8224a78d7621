import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallOptions, call, createKey, signUp, uniqueEmail } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { documentValidator, type Json, templateOf } from './helpers/openapi.js';

/**
 * Recorded traffic of the e2e flows (signup, business, agent, call, conversations, keys,
 * webhooks, errors), each answer checked against the document's schema for its route and status:
 * what an integrator's generated client would expect is what the server sends.
 */
let t: TestApp;
let doc: Json;
let validator: ReturnType<typeof documentValidator>;
const seen: string[] = [];

beforeAll(async () => {
  t = await startTestApp();
  doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
  validator = documentValidator(doc);
});

afterAll(async () => {
  await t?.close();
});

async function replay(options: CallOptions, status: number) {
  const res = await call(t.app, options);
  const method = (options.method ?? 'GET').toLowerCase();
  const label = `${method.toUpperCase()} ${options.url} → ${res.statusCode}`;
  expect(res.statusCode, `${label} ${res.body}`).toBe(status);
  expect(res.headers['x-request-id'], label).toMatch(/^req_/);
  const path = templateOf(doc, options.url);
  expect(path, label).toBeDefined();
  const check = validator.response(path as string, method, res.statusCode);
  expect(check, `${label}: status not documented`).toBeDefined();
  const body = res.body === '' ? undefined : res.json();
  if (check?.type) expect(res.headers['content-type']).toContain(check.type.split(';')[0] ?? '');
  const ok = check?.validate(body);
  expect(
    ok,
    `${label}: ${JSON.stringify((check?.validate as { errors?: unknown } | undefined)?.errors)}`,
  ).toBe(true);
  seen.push(`${method} ${path} ${res.statusCode}`);
  return body;
}

describe('recorded traffic matches the document', () => {
  it('signup, business, agent, call, conversations, keys, webhooks and errors', async () => {
    const email = uniqueEmail();
    await replay(
      {
        method: 'POST',
        url: '/auth/signup',
        body: { email, password: 'correct horse battery', name: 'Ada' },
      },
      201,
    );
    await replay(
      {
        method: 'POST',
        url: '/auth/signup',
        body: { email, password: 'correct horse battery', name: 'Ada' },
      },
      409,
    );
    await replay({ method: 'POST', url: '/auth/login', body: { email, password: 'wrong' } }, 401);
    await replay(
      { method: 'POST', url: '/auth/signup', body: { email: 'x', password: 'y', name: '' } },
      400,
    );

    const session = await signUp(t.app);
    const { key } = await createKey(t.app, session, { userManagement: true });
    const as = { key };
    await replay({ url: '/api/v1/user', as }, 200);
    await replay({ url: '/api/v1/user/api-keys', as }, 200);
    await replay({ url: '/api/v1/user/billing', as }, 200);
    await replay(
      {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as,
        body: { name: 'ci', businessScope: { type: 'unrestricted' } },
      },
      201,
    );

    const business = await replay(
      { method: 'POST', url: '/api/v1/businesses', as, body: { name: 'Dental Clinic' } },
      201,
    );
    const b = `/api/v1/businesses/${business.id}`;
    await replay({ url: '/api/v1/businesses', as }, 200);
    await replay({ url: b, as }, 200);
    await replay({ url: `${b}/telephony`, as }, 200);

    const agentExample =
      doc.paths['/api/v1/businesses/{businessId}/agents'].post.requestBody.content[
        'application/json'
      ].example;
    const agent = await replay({ method: 'POST', url: `${b}/agents`, as, body: agentExample }, 201);
    await replay({ url: `${b}/agents`, as }, 200);

    // The documented example body, with this agent's id, is accepted as sent.
    const callExample =
      doc.paths['/api/v1/businesses/{businessId}/calls'].post.requestBody.content[
        'application/json'
      ].example;
    const body = { ...callExample, agentId: agent.id };
    const headers = { 'idempotency-key': 'traffic-1' };
    const created = await replay({ method: 'POST', url: `${b}/calls`, as, body, headers }, 201);
    await replay({ method: 'POST', url: `${b}/calls`, as, body, headers }, 200);
    await replay({ url: `${b}/calls/${created.id}`, as }, 200);
    await replay({ url: `${b}/calls`, as }, 200);
    const page = await replay({ url: `${b}/conversations`, as }, 200);
    await replay({ url: `${b}/conversations/${page.data[0].id}`, as }, 200);

    const hook = await replay(
      {
        method: 'POST',
        url: `${b}/webhooks`,
        as,
        body: { url: 'https://example.com/hooks' },
      },
      201,
    );
    await replay({ url: `${b}/webhooks`, as }, 200);
    await replay({ url: `${b}/webhooks/${hook.id}/deliveries`, as }, 200);

    // Errors
    await replay({ url: '/api/v1/businesses' }, 401);
    await replay({ url: '/api/v1/businesses', as: { authorization: key } }, 401);
    await replay({ url: `${b}/agents/agt_01jdx7k3m8q9r2s4t6v8w0y2z4`, as }, 404);
    await replay({ method: 'POST', url: `${b}/calls`, as, body: { to: 'nope' } }, 400);
    await replay(
      { method: 'POST', url: `${b}/calls`, as, body: { ...body, variables: {} }, headers },
      422,
    );
    await replay(
      { url: '/api/v1/businesses', as, method: 'POST', headers: { 'content-type': 'text/plain' } },
      415,
    );
    expect(seen.length).toBeGreaterThan(25);
    // The check has teeth: a body missing the Business fields does not pass.
    const check = validator.response('/api/v1/businesses/{businessId}', 'get', 200);
    expect(check?.validate({ id: business.id })).toBe(false);
  });
});
