import type { App } from '../../src/http/types.js';
import { type Credential, call } from './client.js';
import { waitFor } from './wait.js';

export const FINAL = ['completed', 'failed', 'no_answer', 'busy', 'canceled'];

export interface CallJson {
  id: string;
  status: string;
  conversationId: string;
  endedReason: string | null;
  durationSeconds: number;
  [key: string]: unknown;
}

export async function createAgent(
  app: App,
  as: Credential,
  businessId: string,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await call(app, {
    method: 'POST',
    url: `/api/v1/businesses/${businessId}/agents`,
    as,
    body: {
      name: 'Front desk',
      greeting: 'Hello {{patient}}, this is Dental Clinic calling about your appointment.',
      instructions: 'Confirm the appointment of {{patient}}.',
      language: 'en',
      ...body,
    },
  });
  if (res.statusCode !== 201) throw new Error(`create agent: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

export async function placeCall(
  app: App,
  as: Credential,
  businessId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<CallJson> {
  const res = await call(app, {
    method: 'POST',
    url: `/api/v1/businesses/${businessId}/calls`,
    as,
    body,
    headers,
  });
  if (res.statusCode !== 201) throw new Error(`place call: ${res.statusCode} ${res.body}`);
  return res.json() as CallJson;
}

export async function getCall(
  app: App,
  as: Credential,
  businessId: string,
  callId: string,
): Promise<CallJson> {
  const res = await call(app, { url: `/api/v1/businesses/${businessId}/calls/${callId}`, as });
  if (res.statusCode !== 200) throw new Error(`get call: ${res.statusCode} ${res.body}`);
  return res.json() as CallJson;
}

/** Follows a call until it reaches a final status; returns every status seen, in order. */
export async function followCall(
  app: App,
  as: Credential,
  businessId: string,
  callId: string,
  timeoutMs = 10_000,
): Promise<{ call: CallJson; seen: string[] }> {
  const seen: string[] = [];
  const final = await waitFor(
    async () => {
      const current = await getCall(app, as, businessId, callId);
      if (seen.at(-1) !== current.status) seen.push(current.status);
      return FINAL.includes(current.status) ? current : undefined;
    },
    { timeoutMs, intervalMs: 5, what: `call ${callId} to end` },
  );
  return { call: final, seen };
}
