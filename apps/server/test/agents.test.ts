import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, placeCall } from './helpers/calls.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

let t: TestApp;
let owner: Session;
let businessId: string;
let key: string;

beforeAll(async () => {
  t = await startTestApp();
  owner = await signUp(t.app);
  businessId = await createBusiness(t.app, owner);
  key = (await createKey(t.app, owner)).key;
});

afterAll(async () => {
  await t?.close();
});

const agents = () => `/api/v1/businesses/${businessId}/agents`;

describe('agents', () => {
  it('creates, reads, lists, updates and deletes an agent', async () => {
    const created = await call(t.app, {
      method: 'POST',
      url: agents(),
      as: { key },
      body: {
        name: 'Front desk',
        greeting: 'Hello {{ patient }}, this is {{clinic}}.',
        instructions: 'Confirm the time with {{patient}}.',
        language: 'en-us',
        voice: 'Polly.Joanna',
      },
    });
    expect(created.statusCode).toBe(201);
    const agent = created.json();
    expect(agent).toMatchObject({
      name: 'Front desk',
      language: 'en-US',
      voice: 'Polly.Joanna',
      variables: ['patient', 'clinic'],
    });
    expect(agent.id).toMatch(/^agt_/);

    const got = await call(t.app, { url: `${agents()}/${agent.id}`, as: { key } });
    expect(got.json()).toEqual(agent);

    const patched = await call(t.app, {
      method: 'PATCH',
      url: `${agents()}/${agent.id}`,
      as: { key },
      body: { greeting: 'Hi {{name}}!' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      greeting: 'Hi {{name}}!',
      variables: ['name', 'patient'],
    });

    const list = await call(t.app, { url: `${agents()}?limit=1`, as: { key } });
    expect(list.json().data[0].id).toBe(agent.id);

    const removed = await call(t.app, {
      method: 'DELETE',
      url: `${agents()}/${agent.id}`,
      as: { key },
    });
    expect(removed.statusCode).toBe(204);
    const gone = await call(t.app, { url: `${agents()}/${agent.id}`, as: { key } });
    expect(gone.statusCode).toBe(404);
  });

  it('defaults the language to the business’s and the voice to standard', async () => {
    const res = await call(t.app, {
      method: 'POST',
      url: agents(),
      as: { key },
      body: { name: 'Plain', greeting: 'Hello.' },
    });
    expect(res.json()).toMatchObject({
      language: 'en',
      voice: 'standard',
      instructions: '',
      variables: [],
    });
  });

  const invalid: [string, Record<string, unknown>, string][] = [
    ['a blank greeting', { greeting: '   ' }, '/greeting'],
    ['an empty greeting', { greeting: '' }, '/greeting'],
    ['a malformed variable', { greeting: 'Hello {{patient name}}' }, '/greeting'],
    ['an unclosed variable', { greeting: 'Hello {{patient' }, '/greeting'],
    ['a malformed variable in instructions', { instructions: 'Ask {{1st}}' }, '/instructions'],
    ['a language that is no language', { language: 'english!' }, '/language'],
    ['a voice with spaces', { voice: 'my voice' }, '/voice'],
    ['an unknown field', { temperature: 0.3 }, '/temperature'],
  ];
  for (const [what, patch, path] of invalid) {
    it(`refuses ${what} with a 400 naming ${path}`, async () => {
      const res = await call(t.app, {
        method: 'POST',
        url: agents(),
        as: { key },
        body: { name: 'Bad', greeting: 'Hello.', ...patch },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].path).toBe(path);
    });
  }

  it('keeps accepted calls running when their agent changes or goes', async () => {
    const agentId = await createAgent(t.app, { key }, businessId);
    const placed = await placeCall(t.app, { key }, businessId, {
      agentId,
      to: '+15005550006',
      variables: { patient: 'Ada' },
    });
    await call(t.app, { method: 'DELETE', url: `${agents()}/${agentId}`, as: { key } });
    const detail = async () =>
      (
        await call(t.app, {
          url: `/api/v1/businesses/${businessId}/conversations/${placed.conversationId}`,
          as: { key },
        })
      ).json();
    for (let i = 0; i < 200 && (await detail()).status !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const conversation = await detail();
    expect(conversation.status).toBe('completed');
    expect(conversation.messages[0].text).toContain('Hello Ada');
  });
});
