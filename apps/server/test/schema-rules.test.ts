import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/**
 * Rules a client can know in advance live in the schemas (issue: schema-first), so validation,
 * the OpenAPI document and the SDK's types agree. Each case below was a service-only rule, or
 * no rule at all, before.
 */

let t: TestApp;
let owner: Session;
let businessId: string;
let agentId: string;

beforeAll(async () => {
  t = await startTestApp();
  owner = await signUp(t.app);
  businessId = await createBusiness(t.app, owner);
  agentId = await createAgent(t.app, { session: owner }, businessId);
});
afterAll(() => t.close());

const RIGHT_TO_LEFT_OVERRIDE = '\u202e';

describe('names: not blank, no control or bidi-override characters', () => {
  const bad: [string, string][] = [
    ['blank', '   '],
    ['a control character', 'Dental\u0007Clinic'],
    ['a newline', 'Dental\nClinic'],
    ['a right-to-left override (exe.pdf spoofing)', `Invoice${RIGHT_TO_LEFT_OVERRIDE}fdp.exe`],
    ['a bidi isolate', 'Dental\u2067Clinic'],
  ];

  for (const [label, name] of bad) {
    it(`a business name with ${label} is a 400 naming /name`, async () => {
      const res = await call(t.app, {
        method: 'POST',
        url: '/api/v1/businesses',
        as: { session: owner },
        body: { name },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ path: '/name' });
      expect(res.json().errors[0].message).toMatch(/blank|control/);
    });
  }

  it('agent, profile and signup names follow the same rule', async () => {
    const agent = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/businesses/${businessId}/agents/${agentId}`,
      as: { session: owner },
      body: { name: `Front${RIGHT_TO_LEFT_OVERRIDE}desk` },
    });
    expect(agent.statusCode).toBe(400);
    const profile = await call(t.app, {
      method: 'PATCH',
      url: '/api/v1/user',
      as: { session: owner },
      body: { name: 'Ada\u0000' },
    });
    expect(profile.statusCode).toBe(400);
    const signup = await t.app.inject({
      method: 'POST',
      url: '/auth/signup',
      payload: { email: 'bidi@example.com', password: 'a long password', name: '\u202eAda' },
    });
    expect(signup.statusCode).toBe(400);
  });

  it('names with accents, scripts, emoji and inner spaces are fine, and are trimmed', async () => {
    const res = await call(t.app, {
      method: 'POST',
      url: '/api/v1/businesses',
      as: { session: owner },
      body: { name: '  Clínica Dental — عيادة 🦷  ' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().name).toBe('Clínica Dental — عيادة 🦷');
  });

  it('a blank greeting is refused by the schema', async () => {
    const res = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/businesses/${businessId}/agents/${agentId}`,
      as: { session: owner },
      body: { greeting: ' \n ' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: '/greeting', message: 'must not be blank' });
  });
});

describe('calls: phone numbers and metadata keys', () => {
  const post = (body: Record<string, unknown>) =>
    call(t.app, {
      method: 'POST',
      url: `/api/v1/businesses/${businessId}/calls`,
      as: { session: owner },
      body: { agentId, to: '+15005550006', variables: { patient: 'Sam' }, ...body },
    });

  it('"+12" passed the old length check; it is not a phone number (400 naming /to)', async () => {
    const res = await post({ to: '+12' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: '/to' });
    expect(res.json().errors[0].message).toContain('E.164');
  });

  it('a well-shaped number outside its country’s plan is refused by libphonenumber', async () => {
    // +1 555 123 4567: E.164-shaped, but 555 is not an assigned US area code.
    const res = await post({ to: '+15551234567' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: '/to' });
  });

  it('a metadata key over 40 characters is a 400 naming that key', async () => {
    const key = 'k'.repeat(41);
    const res = await post({ metadata: { [key]: 'v' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({
      path: `/metadata/${key}`,
      message: 'is not a valid metadata key: keys are 1 to 40 characters long',
    });
  });

  it('an empty metadata key is a 400 too', async () => {
    const res = await post({ metadata: { '': 'v' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('/metadata/');
  });
});

describe('the OpenAPI document carries the rules', () => {
  it('names, phone numbers and metadata keys are described by patterns and bounds', async () => {
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
    const text = JSON.stringify(doc);
    expect(text).toContain('^\\\\+[1-9][0-9]{6,14}$');
    expect(text).toContain('"propertyNames":{"minLength":1,"maxLength":40');
    expect(text).toContain('\\\\u202e');
  });
});
