import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../src/auth/key-format.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { startReceiver } from './helpers/receiver.js';
import { fakePartner, postReport } from './helpers/scanning.js';
import { waitFor } from './helpers/wait.js';

const partner = fakePartner();
let t: TestApp;
let owner: Session;

beforeAll(async () => {
  t = await startTestApp({ config: { secretScanningKeysFile: partner.file }, captureLogs: true });
  owner = await signUp(t.app);
});

afterAll(async () => {
  await t?.close();
  rmSync(partner.dir, { recursive: true, force: true });
});

/** Every key put in a report, to prove none reaches the logs. */
const reported: string[] = [];

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const item = (token: string) => {
  if (token.startsWith('iqra_sk_')) reported.push(token);
  return {
    token,
    type: 'iqra_api_key',
    url: 'https://github.com/acme/app/blob/abc/config.js',
    source: 'content',
  };
};

async function keyRow(id: string) {
  return t.store.db
    .selectFrom('api_keys')
    .select(['status', 'revoked_reason'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

const whoAmI = (key: string) => call(t.app, { url: '/api/v1/businesses', as: { key } });

async function counts() {
  const audit = await t.store.db
    .selectFrom('audit_events')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('action', '=', 'api_key.leaked')
    .executeTakeFirstOrThrow();
  const notices = await t.store.db
    .selectFrom('notices')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const events = await t.store.db
    .selectFrom('webhook_events')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('type', '=', 'api_key.leaked')
    .executeTakeFirstOrThrow();
  return { audit: Number(audit.n), notices: Number(notices.n), events: Number(events.n) };
}

describe('POST /api/v1/secret-scanning/github', () => {
  it('revokes a reported key and its children, labels every item, tells the owner once', async () => {
    const receiver = await startReceiver();
    try {
      const businessId = await createBusiness(t.app, owner);
      const hook = await call(t.app, {
        method: 'POST',
        url: `/api/v1/businesses/${businessId}/webhooks`,
        as: { session: owner },
        body: { url: receiver.url, events: ['api_key.leaked'] },
      });
      expect(hook.statusCode, hook.body).toBe(201);
      const secret = (hook.json() as { secret: string }).secret;

      const leaked = await createKey(t.app, owner, { name: 'CI deploy', userManagement: true });
      const childRes = await call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { key: leaked.key },
        body: { name: 'child' },
      });
      expect(childRes.statusCode, childRes.body).toBe(201);
      const child = childRes.json() as { id: string; key: string };
      const revoked = await createKey(t.app, owner, { name: 'old', userManagement: true });
      // Minted before its maker was revoked (without cascade): the leak walk still reaches it.
      const orphanRes = await call(t.app, {
        method: 'POST',
        url: '/api/v1/user/api-keys',
        as: { key: revoked.key },
        body: { name: 'orphan' },
      });
      const orphan = orphanRes.json() as { id: string; key: string };
      await call(t.app, {
        method: 'DELETE',
        url: `/api/v1/user/api-keys/${revoked.id}`,
        as: { session: owner },
      });
      const unknown = generateKey();
      const malformed = `${leaked.key.slice(0, -1)}${leaked.key.endsWith('A') ? 'B' : 'A'}`;
      const body = JSON.stringify([leaked.key, revoked.key, unknown, malformed].map(item));

      const res = await postReport(t.app, body, partner.privateKey);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual([
        { token_hash: sha256(leaked.key), token_type: 'iqra_api_key', label: 'true_positive' },
        { token_hash: sha256(revoked.key), token_type: 'iqra_api_key', label: 'true_positive' },
        { token_hash: sha256(unknown), token_type: 'iqra_api_key', label: 'false_positive' },
        { token_hash: sha256(malformed), token_type: 'iqra_api_key', label: 'false_positive' },
      ]);
      expect(res.body).not.toContain(leaked.key);

      expect(await keyRow(leaked.id)).toEqual({ status: 'revoked', revoked_reason: 'leaked' });
      expect(await keyRow(child.id)).toEqual({ status: 'revoked', revoked_reason: 'cascade' });
      expect(await keyRow(revoked.id)).toEqual({ status: 'revoked', revoked_reason: 'manual' });
      expect(await keyRow(orphan.id)).toEqual({ status: 'revoked', revoked_reason: 'cascade' });
      expect((await whoAmI(orphan.key)).statusCode).toBe(401);
      expect((await whoAmI(leaked.key)).statusCode).toBe(401);
      expect((await whoAmI(child.key)).statusCode).toBe(401);

      const audit = await t.store.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'api_key.leaked')
        .where('target_id', '=', leaked.id)
        .executeTakeFirstOrThrow();
      expect(audit.actor).toBe('secret_scanning');
      // The partner's request is the event's origin, as for any other request.
      expect(audit.ip).toBe('127.0.0.1');
      expect(JSON.parse(audit.data ?? '{}')).toMatchObject({
        url: item('').url,
        source: 'content',
        cascaded: [child.id],
      });

      const notices = await call(t.app, { url: '/api/v1/user/notices', as: { session: owner } });
      expect(notices.statusCode).toBe(200);
      const leakNotice = (notices.json() as { data: { keyId: string }[] }).data.find(
        (n) => n.keyId === leaked.id,
      );
      expect(leakNotice).toMatchObject({
        kind: 'api_key_leaked',
        url: item('').url,
        dismissedAt: null,
      });

      const delivered = await waitFor(
        () => receiver.received.find((r) => r.body.includes(leaked.id)),
        { what: 'the api_key.leaked webhook' },
      );
      const event = new Webhook(secret).verify(
        delivered.body,
        delivered.headers as Record<string, string>,
      ) as { type: string; data: Record<string, unknown> };
      expect(event.type).toBe('api_key.leaked');
      expect(event.data).toEqual({
        keyId: leaked.id,
        name: 'CI deploy',
        prefix: leaked.key.slice(0, 12),
        lastFour: leaked.key.slice(-4),
        url: item('').url,
        source: 'content',
        cascaded: [child.id],
      });
      expect(delivered.body).not.toContain(leaked.key);

      // The same report again: same answer, nothing new anywhere.
      const before = await counts();
      const again = await postReport(t.app, body, partner.privateKey);
      expect(again.json()).toEqual(res.json());
      expect(await counts()).toEqual(before);
    } finally {
      await receiver.close();
    }
  });

  it('a leaked key that was rolled takes its successor with it (the §5 walk follows rolls)', async () => {
    const old = await createKey(t.app, owner, { name: 'rolled' });
    const rolled = await call(t.app, {
      method: 'POST',
      url: `/api/v1/user/api-keys/${old.id}/roll`,
      as: { session: owner },
      body: { overlapSeconds: 3600 },
    });
    expect(rolled.statusCode, rolled.body).toBe(201);
    const successor = rolled.json() as { id: string; key: string };
    const res = await postReport(t.app, JSON.stringify([item(old.key)]), partner.privateKey);
    expect(res.json()).toMatchObject([{ label: 'true_positive' }]);
    expect(await keyRow(successor.id)).toEqual({ status: 'revoked', revoked_reason: 'cascade' });
    expect((await whoAmI(successor.key)).statusCode).toBe(401);
  });

  describe('a report that is not the partner’s is refused and revokes nothing', () => {
    const cases: [string, (body: string) => Parameters<typeof postReport>[3]][] = [
      ['a tampered body', (body) => ({ sentBody: body.replace('content', 'commit') })],
      ['a signature by another key', () => ({ key: partner.strangerKey })],
      ['an unknown key identifier', () => ({ identifier: 'kid-unknown' })],
      ['an identifier whose key is malformed', () => ({ identifier: 'kid-broken' })],
      ['no signature', () => ({ signature: null })],
      // Checked before parsing: an unsigned body that is not even JSON is a 401, not a 400.
      ['no signature on a body that is not JSON', () => ({ signature: null, sentBody: '{[' })],
      ['a signature that is not base64 DER', () => ({ signature: 'bm90IGEgc2lnbmF0dXJl' })],
    ];
    for (const [name, options] of cases) {
      it(`${name} → 401 scanning_signature_invalid`, async () => {
        const victim = await createKey(t.app, owner);
        const body = JSON.stringify([item(victim.key)]);
        const res = await postReport(t.app, body, partner.privateKey, options(body));
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'scanning_signature_invalid' });
        expect((await whoAmI(victim.key)).statusCode).toBe(200);
      });
    }

    it('a wrong content type → 415, nothing revoked', async () => {
      const victim = await createKey(t.app, owner);
      const body = JSON.stringify([item(victim.key)]);
      const res = await postReport(t.app, body, partner.privateKey, { contentType: 'text/plain' });
      expect(res.statusCode).toBe(415);
      expect((await whoAmI(victim.key)).statusCode).toBe(200);
    });

    it('a signed body that is not an array → 400; invalid JSON → 400; a bad item → 400', async () => {
      const victim = await createKey(t.app, owner);
      for (const body of [
        JSON.stringify(item(victim.key)),
        '[{"token": ',
        JSON.stringify([{ token: 42, type: 'x' }]),
      ]) {
        const res = await postReport(t.app, body, partner.privateKey);
        expect(res.statusCode, body).toBe(400);
        expect(res.json()).toHaveProperty('detail');
      }
      expect((await whoAmI(victim.key)).statusCode).toBe(200);
    });

    it('a body over 1 MiB → 413', async () => {
      const body = JSON.stringify([{ ...item('x'), url: 'u'.repeat(1024 * 1024) }]);
      const res = await postReport(t.app, body, partner.privateKey);
      expect(res.statusCode).toBe(413);
    });
  });
});

describe('notices', () => {
  it('lists for a session or a user-management key; dismisses once; another user gets 404', async () => {
    const user = await signUp(t.app);
    const leaked = await createKey(t.app, user, { name: 'leaky' });
    await postReport(t.app, JSON.stringify([item(leaked.key)]), partner.privateKey);
    const plain = await createKey(t.app, user, { name: 'plain' });
    expect(
      (await call(t.app, { url: '/api/v1/user/notices', as: { key: plain.key } })).statusCode,
    ).toBe(403);
    const manager = await createKey(t.app, user, { userManagement: true });
    const list = await call(t.app, { url: '/api/v1/user/notices', as: { key: manager.key } });
    const [notice] = (list.json() as { data: { id: string; keyId: string }[] }).data;
    expect(notice?.keyId).toBe(leaked.id);
    expect(notice?.id).toMatch(/^ntc_/);

    const stranger = await signUp(t.app);
    const url = `/api/v1/user/notices/${notice?.id}/dismiss`;
    const theirs = await call(t.app, { method: 'POST', url, as: { session: stranger } });
    expect(theirs.statusCode).toBe(404);
    const dismissed = await call(t.app, { method: 'POST', url, as: { session: user } });
    expect(dismissed.statusCode).toBe(200);
    const at = (dismissed.json() as { dismissedAt: string }).dismissedAt;
    expect(at).toBeTruthy();
    const twice = await call(t.app, { method: 'POST', url, as: { session: user } });
    expect((twice.json() as { dismissedAt: string }).dismissedAt).toBe(at);
  });
});

describe('secrets stay out of the logs', () => {
  it('never logs a reported token, whole', () => {
    const logs = t.logs.join('');
    expect(logs).toContain('secret-scanning');
    expect(reported.length).toBeGreaterThan(5);
    for (const token of reported) expect(logs).not.toContain(token);
  });
});
