import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, followCall, getCall, placeCall } from './helpers/calls.js';
import { call, createBusiness, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { startTwilioStandin } from './helpers/twilio-standin.js';
import { waitFor } from './helpers/wait.js';

/**
 * A tenant signs status callbacks with its own auth token, so a valid signature proves nothing
 * about what the call cost: these are the red-team's forged callbacks, each signed correctly.
 */
const ACCOUNT_SID = `AC${'b2'.repeat(16)}`;
const AUTH_TOKEN = 'c0ffeec0ffeec0ffeec0ffeec0ffee00';
const FROM = '+15017122662';
const PUBLIC_URL = 'http://iqra.test';
// Large enough that no hold caps a lie: what is billed here is what was believed.
const CREDIT = 10_000;
const HOLD = 120;

let t: TestApp;
let standin: Awaited<ReturnType<typeof startTwilioStandin>>;
let owner: Session;
let businessId: string;
let agentId: string;

beforeAll(async () => {
  // Only the callbacks these tests forge arrive; the server learns the rest by asking Twilio.
  standin = await startTwilioStandin({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    callbacks: false,
  });
  t = await startTestApp({
    config: {
      publicUrl: PUBLIC_URL,
      twilioApiBaseUrl: standin.baseUrl,
      freeCreditMinutes: CREDIT,
      callMaxMinutes: HOLD,
      // Following calls polls the API; the per-user budget is not what is tested here.
      rateLimitPerMinute: 100_000,
    },
    // Rechecks late enough that a forged callback is always the first word on a call.
    background: { twilioRecheckMs: 1500 },
  });
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

/** Places a call and waits until Twilio (the stand-in) has it and the server knows its SID. */
async function dialled(to: string) {
  const placed = await placeCall(t.app, as(), businessId, {
    agentId,
    to,
    variables: { patient: 'Sam' },
  });
  const row = await waitFor(async () => {
    const r = await t.store.db
      .selectFrom('calls')
      .selectAll()
      .where('id', '=', placed.id)
      .executeTakeFirstOrThrow();
    return r.provider_call_id ? r : undefined;
  });
  const twilioCall = standin.calls.find((c) => c.sid === row.provider_call_id);
  if (!twilioCall) throw new Error('the stand-in has no such call');
  return { id: placed.id, sid: twilioCall.sid, twilioCall };
}

/** Posts a callback signed with the tenant's own token, as the red team did. */
function signed(callId: string, params: Record<string, string>, contentType?: string) {
  const all = { AccountSid: ACCOUNT_SID, ...params };
  const url = `${PUBLIC_URL}/telephony/twilio/status/${callId}`;
  return t.app.inject({
    method: 'POST',
    url: `/telephony/twilio/status/${callId}`,
    headers: {
      'content-type': contentType ?? 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, all),
    },
    payload: contentType === 'application/json' ? all : new URLSearchParams(all).toString(),
  });
}

async function usageOf(callId: string) {
  return t.store.db.selectFrom('usage_records').selectAll().where('call_id', '=', callId).execute();
}

async function credit(): Promise<number> {
  const res = await call(t.app, { url: '/api/v1/user/billing', as: as() });
  return res.json().creditMinutes;
}

describe('signed status callbacks are bounded', () => {
  it('CallDuration=-36000 is refused (400): no negative usage', async () => {
    const { id, sid } = await dialled('+14155550111');
    const res = await signed(id, { CallSid: sid, CallStatus: 'completed', CallDuration: '-36000' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const { call: ended } = await followCall(t.app, as(), businessId, id);
    expect(ended).toMatchObject({ status: 'completed', durationSeconds: 42 });
    expect(await usageOf(id)).toMatchObject([{ duration_seconds: 42, minutes: 1 }]);
  });

  it('CallDuration=1e308, NaN or 12.5 is refused: the credit pays only the true duration', async () => {
    const before = await credit();
    const { id, sid } = await dialled('+14155550112');
    for (const duration of ['1e308', 'NaN', '12.5', '86401', '']) {
      const res = await signed(id, {
        CallSid: sid,
        CallStatus: 'completed',
        CallDuration: duration,
      });
      expect(res.statusCode, duration).toBe(400);
    }
    await followCall(t.app, as(), businessId, id);
    expect(await credit()).toBe(before - 1);
  });

  it('a signed "completed" claiming 3600 s while Twilio’s REST API says 42 s bills 1 minute', async () => {
    const { id, sid, twilioCall } = await dialled('+14155550113');
    await waitFor(() => (twilioCall.status === 'completed' ? true : undefined));
    const res = await signed(id, { CallSid: sid, CallStatus: 'completed', CallDuration: '3600' });
    expect(res.statusCode, res.body).toBe(204);
    expect(await getCall(t.app, as(), businessId, id)).toMatchObject({
      status: 'completed',
      durationSeconds: 42,
    });
    expect(await usageOf(id)).toMatchObject([{ duration_seconds: 42, minutes: 1 }]);
  });

  it('a signed "completed" while Twilio says the call is still in progress ends nothing', async () => {
    const { id, sid, twilioCall } = await dialled('+15005550007');
    await waitFor(() => (twilioCall.status === 'in-progress' ? true : undefined));
    const res = await signed(id, { CallSid: sid, CallStatus: 'completed', CallDuration: '3600' });
    expect(res.statusCode, res.body).toBe(204);
    expect((await getCall(t.app, as(), businessId, id)).status).not.toBe('completed');
    expect(await usageOf(id)).toEqual([]);
    // Twilio hangs up: the next check finds the real outcome.
    twilioCall.duration = 7;
    twilioCall.status = 'completed';
    const { call: ended } = await followCall(t.app, as(), businessId, id);
    expect(ended).toMatchObject({ status: 'completed', durationSeconds: 7 });
  });

  it('Timestamp=2001 or 2100 cannot put answeredAt before the call or endedAt before answeredAt', async () => {
    const { id, sid } = await dialled('+14155550114');
    const past = new Date('2001-01-01T00:00:00Z').toUTCString();
    const future = new Date('2100-01-01T00:00:00Z').toUTCString();
    const answered = await signed(id, { CallSid: sid, CallStatus: 'in-progress', Timestamp: past });
    expect(answered.statusCode, answered.body).toBe(204);
    const mid = await getCall(t.app, as(), businessId, id);
    expect(mid.status).toBe('in_progress');
    expect(Date.parse(mid.answeredAt as string)).toBeGreaterThanOrEqual(
      Date.parse(mid.createdAt as string),
    );
    await signed(id, { CallSid: sid, CallStatus: 'completed', Timestamp: past });
    await signed(id, { CallSid: sid, CallStatus: 'completed', Timestamp: future });
    const { call: ended } = await followCall(t.app, as(), businessId, id);
    const [created, answeredAt, endedAt] = [ended.createdAt, ended.answeredAt, ended.endedAt].map(
      (v) => Date.parse(v as string),
    );
    expect(answeredAt).toBeGreaterThanOrEqual(created as number);
    expect(endedAt).toBeGreaterThanOrEqual(answeredAt as number);
    expect(endedAt).toBeLessThanOrEqual(Date.now());
  });

  it('only forward transitions: ringing, in-progress or busy after completed change nothing', async () => {
    const { id, sid } = await dialled('+14155550115');
    const { call: ended } = await followCall(t.app, as(), businessId, id);
    for (const status of ['ringing', 'in-progress', 'queued', 'busy', 'no-answer']) {
      const res = await signed(id, { CallSid: sid, CallStatus: status });
      expect(res.statusCode, status).toBe(204);
    }
    expect(await getCall(t.app, as(), businessId, id)).toEqual(ended);
    expect(await usageOf(id)).toHaveLength(1);
  });

  it('refuses a signed callback with an unknown status or a SID that is not a call SID (400)', async () => {
    const { id, sid } = await dialled('+14155550116');
    for (const params of [
      { CallSid: sid, CallStatus: 'teleported' },
      { CallSid: '../../Balance', CallStatus: 'completed' },
      { CallSid: `${sid}/Recordings`, CallStatus: 'completed' },
    ]) {
      const res = await signed(id, params);
      expect(res.statusCode, JSON.stringify(params)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'validation_error' });
    }
    await followCall(t.app, as(), businessId, id);
  });

  it('accepts only the form encoding Twilio sends: JSON, text or no body type is 415', async () => {
    const { id, sid } = await dialled('+14155550117');
    const params = { CallSid: sid, CallStatus: 'completed', CallDuration: '3600' };
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await signed(id, params, type);
      expect(res.statusCode, type).toBe(415);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'unsupported_media_type' });
    }
    const bare = await t.app.inject({ method: 'POST', url: `/telephony/twilio/status/${id}` });
    expect(bare.statusCode).toBe(415);
    const { call: ended } = await followCall(t.app, as(), businessId, id);
    expect(ended.durationSeconds).toBe(42);
  });

  it('tells Twilio to hang up when the call’s credit hold runs out (TimeLimit)', async () => {
    const { twilioCall } = await dialled('+14155550118');
    expect(twilioCall.timeLimit).toBe(String(HOLD * 60));
  });
});
