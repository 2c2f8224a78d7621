import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';
import { createAgent, followCall, placeCall } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { freePort } from './helpers/ports.js';
import { startTwilioStandin } from './helpers/twilio-standin.js';

const ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'f00dfeedf00dfeedf00dfeedf00dfeed';
const FROM = '+15017122661';

let t: TestApp;
let standin: Awaited<ReturnType<typeof startTwilioStandin>>;
let publicUrl: string;
let owner: Session;
let businessId: string;
let agentId: string;

beforeAll(async () => {
  standin = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  // Twilio calls back over real HTTP, so this app listens, on a port known before it starts.
  const port = await freePort();
  publicUrl = `http://127.0.0.1:${port}`;
  t = await startTestApp({
    config: { publicUrl, twilioApiBaseUrl: standin.baseUrl },
    captureLogs: true,
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  owner = await signUp(t.app);
  businessId = await createBusiness(t.app, owner);
  agentId = await createAgent(t.app, { session: owner }, businessId);
  const res = await call(t.app, {
    method: 'PUT',
    url: `/api/v1/businesses/${businessId}/telephony`,
    as: { session: owner },
    body: { provider: 'twilio', accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: FROM },
  });
  expect(res.statusCode, res.body).toBe(200);
});

afterAll(async () => {
  await t?.close();
  await standin?.close();
});

const as = () => ({ session: owner });
const place = (to: string) =>
  placeCall(t.app, as(), businessId, { agentId, to, variables: { patient: 'Sam' } });

describe('telephony settings', () => {
  it('never returns the auth token and stores it sealed', async () => {
    const res = await call(t.app, { url: `/api/v1/businesses/${businessId}/telephony`, as: as() });
    expect(res.json()).toEqual({
      provider: 'twilio',
      accountSid: ACCOUNT_SID,
      fromNumber: FROM,
      updatedAt: expect.any(String),
    });
    expect(res.body).not.toContain(AUTH_TOKEN);
    const row = await t.store.db
      .selectFrom('business_telephony')
      .selectAll()
      .where('business_id', '=', businessId)
      .executeTakeFirstOrThrow();
    expect(row.auth_token).toMatch(/^v1\./);
    expect(row.auth_token).not.toContain(AUTH_TOKEN);
  });

  it('refuses a malformed account SID, a bad number or a missing token with a 400', async () => {
    const other = await createBusiness(t.app, owner);
    for (const body of [
      { provider: 'twilio', accountSid: 'AC123', authToken: AUTH_TOKEN, fromNumber: FROM },
      { provider: 'twilio', accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, fromNumber: '12345' },
      { provider: 'twilio', accountSid: ACCOUNT_SID, fromNumber: FROM },
      { provider: 'vonage' },
    ]) {
      const res = await call(t.app, {
        method: 'PUT',
        url: `/api/v1/businesses/${other}/telephony`,
        as: as(),
        body,
      });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('calls through Twilio (local stand-in)', () => {
  it('places the call with the business’s account and follows its status callbacks', async () => {
    const placed = await place('+14155550100');
    expect(placed).toMatchObject({ provider: 'twilio', from: FROM, status: 'queued' });
    const { call: ended } = await followCall(t.app, as(), businessId, placed.id);
    expect(ended).toMatchObject({
      status: 'completed',
      endedReason: 'hangup',
      durationSeconds: 42,
    });

    const sent = standin.calls.find((c) => c.to === '+14155550100');
    expect(sent).toMatchObject({
      from: FROM,
      statusCallback: `${publicUrl}/telephony/twilio/status/${placed.id}`,
      events: ['initiated', 'ringing', 'answered', 'completed'],
    });
    expect(sent?.twiml).toContain('Hello Sam, this is Dental Clinic');
    expect(
      standin.callbacks.filter((c) => c.url.endsWith(placed.id)).every((c) => c.status === 204),
    ).toBe(true);

    const conversation = await call(t.app, {
      url: `/api/v1/businesses/${businessId}/conversations/${placed.conversationId}`,
      as: as(),
    });
    expect(conversation.json()).toMatchObject({
      status: 'completed',
      durationSeconds: 42,
      messages: [
        { role: 'agent', text: expect.stringContaining('Hello Sam') },
        { role: 'system', text: 'The call ended.' },
      ],
    });
    const usage = await t.store.db
      .selectFrom('usage_records')
      .selectAll()
      .where('call_id', '=', placed.id)
      .execute();
    expect(usage).toMatchObject([{ duration_seconds: 42, minutes: 1 }]);
  });

  it('reports busy as busy', async () => {
    const placed = await place('+15005550001');
    const { call: ended } = await followCall(t.app, as(), businessId, placed.id);
    expect(ended).toMatchObject({ status: 'busy', endedReason: 'busy' });
  });

  it('ends a call Twilio refuses as failed (provider_error)', async () => {
    const placed = await place('+15005550009');
    const { call: ended } = await followCall(t.app, as(), businessId, placed.id);
    expect(ended).toMatchObject({ status: 'failed', endedReason: 'provider_error' });
  });

  it('asks Twilio for the status when callbacks do not come', async () => {
    standin.setCallbacks(false);
    try {
      const placed = await place('+14155550101');
      const { call: ended } = await followCall(t.app, as(), businessId, placed.id);
      expect(ended).toMatchObject({ status: 'completed', durationSeconds: 42 });
    } finally {
      standin.setCallbacks(true);
    }
  });

  it('never dials again a call whose outcome at Twilio is unknown: it ends as interrupted', async () => {
    // As a crash leaves it: the intent to dial was recorded, Twilio's answer never was, and the
    // worker that held it is gone (its lease ran out).
    const template = await t.store.db
      .selectFrom('calls')
      .selectAll()
      .where('provider', '=', 'twilio')
      .where('business_id', '=', businessId)
      .executeTakeFirstOrThrow();
    const id = newId('call');
    const conversationId = newId('conv');
    const now = new Date().toISOString();
    const dialled = standin.calls.length;
    await t.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('calls')
        .values({
          ...template,
          id,
          conversation_id: conversationId,
          status: 'ringing',
          provider_call_id: null,
          dial_attempts: 1,
          claimed_by: 'a-dead-worker',
          lease_until: new Date(Date.now() - 1000).toISOString(),
          dialed_at: now,
          created_at: now,
          updated_at: now,
          answered_at: null,
          ended_at: null,
          ended_reason: null,
          duration_seconds: 0,
        })
        .execute();
      await trx
        .insertInto('conversations')
        .values({
          id: conversationId,
          business_id: businessId,
          call_id: id,
          agent_id: agentId,
          direction: 'outbound',
          status: 'ringing',
          started_at: now,
          answered_at: null,
          ended_at: null,
          duration_seconds: 0,
          ended_reason: null,
          updated_at: now,
        })
        .execute();
    });
    const { call: ended } = await followCall(t.app, as(), businessId, id);
    expect(ended).toMatchObject({ status: 'failed', endedReason: 'dispatch_interrupted' });
    expect(standin.calls.length).toBe(dialled);
  });
});

describe('the status callback route', () => {
  const post = (callId: string, params: Record<string, string>, signature?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/telephony/twilio/status/${callId}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature ? { 'x-twilio-signature': signature } : {}),
      },
      payload: new URLSearchParams(params).toString(),
    });

  it('refuses forged, unsigned and misdirected callbacks with 403', async () => {
    const placed = await place('+15005550002');
    const url = `${publicUrl}/telephony/twilio/status/${placed.id}`;
    const params = {
      AccountSid: ACCOUNT_SID,
      CallSid: `CA${'0'.repeat(32)}`,
      CallStatus: 'completed',
      CallDuration: '600',
    };
    const forged = twilio.getExpectedTwilioSignature(
      'not-the-token-at-all-0000000000',
      url,
      params,
    );
    const valid = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);
    const otherUrl = `${publicUrl}/telephony/twilio/status/${newId('call')}`;
    for (const res of [
      await post(placed.id, params),
      await post(placed.id, params, forged),
      await post(placed.id, { ...params, CallDuration: '6000' }, valid),
      await post(
        newId('call'),
        params,
        twilio.getExpectedTwilioSignature(AUTH_TOKEN, otherUrl, params),
      ),
      await post('call_nope', params, valid),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'invalid_signature' });
    }
    // Only the stand-in's genuine callbacks count: the call ends with its real duration.
    const { call: ended } = await followCall(t.app, as(), businessId, placed.id);
    expect(ended).toMatchObject({ status: 'completed', durationSeconds: 42 });
  });

  it('refuses a form body on API routes (415)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/businesses/${businessId}/agents`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: owner.cookie,
        'x-csrf-token': owner.csrfToken,
      },
      payload: 'name=x&greeting=y',
    });
    expect(res.statusCode).toBe(415);
  });
});

describe('secrets stay out of the logs', () => {
  it('never logs the Twilio auth token', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    expect(t.logs.join('\n')).not.toContain(AUTH_TOKEN);
  });
});
