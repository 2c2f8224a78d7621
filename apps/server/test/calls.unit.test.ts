import { describe, expect, it } from 'vitest';
import { checkTemplate, fillTemplate, variablesIn } from '../src/agents/template.js';
import { canonicalJson, requestHash } from '../src/calls/idempotency.js';
import type { AgentSnapshot } from '../src/calls/views.js';
import { loadConfig, parseDatabaseUrl } from '../src/config.js';
import { SecretBox } from '../src/crypto/secret-box.js';
import { planCall } from '../src/telephony/simulator.js';
import { isPrivateAddress, webhookUrlProblem } from '../src/webhooks/address-guard.js';
import { retryDelayMs } from '../src/webhooks/deliverer.js';
import { postJson } from '../src/webhooks/sender.js';
import { startReceiver } from './helpers/receiver.js';

const agent: AgentSnapshot = {
  name: 'Front desk',
  language: 'en',
  voice: 'standard',
  greeting: 'Hello Sam, this is Dental Clinic.',
  instructions: '',
  businessName: 'Dental Clinic',
};

describe('agent templates', () => {
  it('finds variables once each, spaces allowed inside the braces', () => {
    expect(variablesIn('Hi {{ name }}, {{name}} at {{time_1}}')).toEqual(['name', 'time_1']);
    expect(fillTemplate('Hi {{ name }} at {{time}}', { name: 'Sam', time: '9' })).toBe(
      'Hi Sam at 9',
    );
  });

  for (const bad of ['{{first name}}', 'Hi {{name', 'Hi name}}', '{{1st}}', '{{}}', '{{na-me}}']) {
    it(`refuses the malformed template "${bad}"`, () => {
      expect(() => checkTemplate(bad, '/greeting')).toThrow(/malformed variable/);
    });
  }

  it('leaves single braces alone', () => {
    expect(checkTemplate('Press {1} or {2}', '/greeting')).toEqual([]);
  });
});

describe('idempotency request hash', () => {
  it('ignores key order and whitespace, not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(requestHash({ to: '+1', agentId: 'a' })).toBe(requestHash({ agentId: 'a', to: '+1' }));
    expect(requestHash({ to: '+1' })).not.toBe(requestHash({ to: '+2' }));
    expect(requestHash({ to: '+1', from: undefined })).toBe(requestHash({ to: '+1' }));
  });
});

describe('simulator plans', () => {
  it('is deterministic: the same call gives the same plan (what makes resuming safe)', () => {
    expect(planCall('+15005550006', agent)).toEqual(planCall('+15005550006', agent));
  });

  it('answers +15005550006 with the greeting first, callee turns, and an end', () => {
    const plan = planCall('+15005550006', agent);
    expect(plan).toMatchObject({
      outcome: 'answered',
      status: 'completed',
      endedReason: 'agent_hangup',
    });
    expect(plan.messages[0]).toMatchObject({ role: 'agent', text: agent.greeting });
    expect(plan.messages.filter((m) => m.role === 'user').length).toBeGreaterThanOrEqual(2);
    expect(plan.messages.at(-1)?.role).toBe('system');
    const offsets = plan.messages.map((m) => m.atMs);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    // Realistic at scale 1: rings a few seconds, talks for about half a minute.
    expect(plan.answerAtMs).toBeGreaterThanOrEqual(2000);
    expect(plan.durationSeconds).toBeGreaterThan(15);
    expect(plan.durationSeconds).toBeLessThan(120);
  });

  it.each([
    ['+15005550001', 'busy', 'busy'],
    ['+15005550002', 'no_answer', 'no_answer'],
    ['+15005550003', 'failed', 'carrier_error'],
  ])('%s ends %s (%s) without being answered', (to, status, endedReason) => {
    const plan = planCall(to, agent);
    expect(plan).toMatchObject({ status, endedReason, answerAtMs: undefined, durationSeconds: 0 });
    expect(plan.messages).toHaveLength(1);
  });

  it('answers any other number, as most numbers on a real network do', () => {
    expect(planCall('+442071838750', agent).status).toBe('completed');
  });
});

describe('secret box', () => {
  const box = new SecretBox('p'.repeat(40), 'iqra:telephony-credentials');

  it('round-trips, and never holds the plaintext', () => {
    const sealed = box.seal('auth-token-123', 'biz_1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('auth-token-123');
    expect(box.open(sealed, 'biz_1')).toBe('auth-token-123');
    expect(box.seal('auth-token-123', 'biz_1')).not.toBe(sealed);
  });

  it('refuses a value moved to another row, sealed for another use, or altered', () => {
    const sealed = box.seal('auth-token-123', 'biz_1');
    expect(() => box.open(sealed, 'biz_2')).toThrow();
    expect(() =>
      new SecretBox('p'.repeat(40), 'iqra:webhook-secrets').open(sealed, 'biz_1'),
    ).toThrow();
    expect(() =>
      new SecretBox('q'.repeat(40), 'iqra:telephony-credentials').open(sealed, 'biz_1'),
    ).toThrow();
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => box.open(altered, 'biz_1')).toThrow();
  });
});

describe('webhook retries', () => {
  it('backs off exponentially (×4) with ±20 % jitter, capped at 12 hours', () => {
    expect(retryDelayMs(1, 10_000, 0.5)).toBe(10_000);
    expect(retryDelayMs(2, 10_000, 0.5)).toBe(40_000);
    expect(retryDelayMs(3, 10_000, 0.5)).toBe(160_000);
    expect(retryDelayMs(1, 10_000, 0)).toBe(8_000);
    expect(retryDelayMs(1, 10_000, 1)).toBe(12_000);
    expect(retryDelayMs(20, 10_000, 0.5)).toBe(12 * 3600_000);
  });
});

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.8',
    '172.20.1.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    'not-an-ip',
  ])('treats %s as private', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])(
    'treats %s as public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );

  it('checks URLs: scheme and credentials always, addresses in production', async () => {
    expect(await webhookUrlProblem('ftp://example.com', false)).toMatch(/http/);
    expect(await webhookUrlProblem('https://a:b@example.com', false)).toMatch(/credentials/);
    expect(await webhookUrlProblem('http://127.0.0.1:9000/x', false)).toBeUndefined();
    expect(await webhookUrlProblem('http://127.0.0.1:9000/x', true)).toMatch(/private/);
    expect(await webhookUrlProblem('http://[::1]/x', true)).toMatch(/private/);
    expect(await webhookUrlProblem('https://93.184.216.34/x', true)).toBeUndefined();
  });
});

describe('configuration of calls', () => {
  const secrets = { IQRA_PEPPER: 'p'.repeat(32), SESSION_SECRET: 's'.repeat(32) };

  it('has defaults for every call setting', () => {
    const config = loadConfig({ ...secrets }, '/tmp');
    expect(config).toMatchObject({
      freeCreditMinutes: 60,
      callConcurrencyPerBusiness: 5,
      // Under 10 s: a dead node's calls are taken over within that (issue 12).
      callLeaseSeconds: 8,
      simulatorTimeScale: 1,
      webhookMaxAttempts: 8,
      publicUrl: 'http://localhost:3000',
      twilioApiBaseUrl: undefined,
    });
  });

  it('reads them from the environment and refuses nonsense', () => {
    const config = loadConfig(
      {
        ...secrets,
        FREE_CREDIT_MINUTES: '0',
        SIMULATOR_TIME_SCALE: '0.05',
        PUBLIC_URL: 'https://voice.example.com/',
        TWILIO_API_BASE_URL: 'http://127.0.0.1:4010',
      },
      '/tmp',
    );
    expect(config).toMatchObject({
      freeCreditMinutes: 0,
      simulatorTimeScale: 0.05,
      publicUrl: 'https://voice.example.com',
      twilioApiBaseUrl: 'http://127.0.0.1:4010',
    });
    expect(() => loadConfig({ ...secrets, SIMULATOR_TIME_SCALE: '0' }, '/tmp')).toThrow(
      /SIMULATOR_TIME_SCALE/,
    );
    expect(() => loadConfig({ ...secrets, PUBLIC_URL: 'voice.example.com' }, '/tmp')).toThrow(
      /PUBLIC_URL/,
    );
    expect(() => loadConfig({ ...secrets, WEBHOOK_MAX_ATTEMPTS: '0' }, '/tmp')).toThrow(
      /WEBHOOK_MAX_ATTEMPTS/,
    );
    expect(() =>
      loadConfig({ ...secrets, CALL_CONCURRENCY_PER_BUSINESS: 'many' }, '/tmp'),
    ).toThrow();
    // Renewed every third of it: under 2 s, a pause of a second would hand calls to another node.
    expect(() => loadConfig({ ...secrets, CALL_LEASE_SECONDS: '1' }, '/tmp')).toThrow(
      /CALL_LEASE_SECONDS/,
    );
  });

  it('takes a PostgreSQL schema from DATABASE_URL ?schema= and keeps the rest of the URL', () => {
    expect(parseDatabaseUrl('postgres://u@h:5432/db?schema=tenant_a&sslmode=disable')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h:5432/db?sslmode=disable',
      schema: 'tenant_a',
    });
    expect(parseDatabaseUrl('postgres://u@h/db')).toEqual({
      kind: 'postgres',
      url: 'postgres://u@h/db',
    });
    expect(() => parseDatabaseUrl('postgres://u@h/db?schema=Bad;drop')).toThrow(/schema/);
  });
});

describe('webhook sender', () => {
  it('refuses loopback at connect time when private addresses are blocked, by address or name', async () => {
    const receiver = await startReceiver();
    try {
      const options = { timeoutMs: 1000, blockPrivate: true };
      expect(await postJson(receiver.url, '{}', {}, options)).toEqual({
        error: 'private address refused',
      });
      const byName = await postJson(
        receiver.url.replace('127.0.0.1', 'localhost'),
        '{}',
        {},
        options,
      );
      expect(byName).toMatchObject({ error: expect.stringMatching(/private address/) });
      expect(receiver.received).toHaveLength(0);
      expect(await postJson(receiver.url, '{}', {}, { ...options, blockPrivate: false })).toEqual({
        status: 200,
      });
    } finally {
      await receiver.close();
    }
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const receiver = await startReceiver(() => 'hang');
    try {
      const started = Date.now();
      expect(
        await postJson(receiver.url, '{}', {}, { timeoutMs: 150, blockPrivate: false }),
      ).toEqual({ error: 'timeout' });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await receiver.close();
    }
  });
});
