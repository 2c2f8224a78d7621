import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULL_PERMISSIONS } from '../src/http/access.js';
import { widerDimension } from '../src/keys/containment.js';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { engine, postgresUrl, startTestApp, type TestApp } from './helpers/harness.js';

const hour = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

describe('key containment: nothing a key makes or sees exceeds it', () => {
  let t: TestApp;
  let owner: Session;
  let bizA: string;
  let bizB: string;
  let bizC: string;
  const create = (as: { key: string } | { session: Session }, body: Record<string, unknown>) =>
    call(t.app, {
      method: 'POST',
      url: '/api/v1/user/api-keys',
      as,
      body: { name: 'Child', ...body },
    });

  beforeAll(async () => {
    t = await startTestApp({ sqliteFile: true });
    owner = await signUp(t.app);
    bizA = await createBusiness(t.app, owner, 'A');
    bizB = await createBusiness(t.app, owner, 'B');
    bizC = await createBusiness(t.app, owner, 'C');
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('escalation matrix: a key made by a key', () => {
    const makerExpiry = hour(1);
    let maker: { key: string; id: string };
    beforeAll(async () => {
      const res = await create(
        { session: owner },
        {
          businessScope: { type: 'restricted', businessIds: [bizA, bizB] },
          userManagement: true,
          rateLimitPerMinute: 10,
          expiresAt: makerExpiry,
        },
      );
      maker = res.json();
    });

    // Bodies are built lazily: the business ids exist only once beforeAll has run.
    const wider: [string, () => Record<string, unknown>][] = [
      ['businessScope', () => ({ businessScope: { type: 'unrestricted' } })],
      [
        'businessScope',
        () => ({ businessScope: { type: 'restricted', businessIds: [bizA, bizC] } }),
      ],
      ['rateLimitPerMinute', () => ({ rateLimitPerMinute: 11 })],
      ['expiresAt', () => ({ expiresAt: null })],
      ['expiresAt', () => ({ expiresAt: new Date(Date.parse(makerExpiry) + 1000).toISOString() })],
    ];
    it.each(wider)(
      'a wider "%s" answers 403 escalation_denied naming it',
      async (dimension, body) => {
        const res = await create({ key: maker.key }, body());
        expect(res.statusCode).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({
          code: 'escalation_denied',
          detail: `This API key cannot create a key with a wider "${dimension}" than its own.`,
        });
      },
    );

    it('a wider "userManagement" is one of the dimensions checked', () => {
      const limits = {
        businessScope: { type: 'unrestricted' as const },
        userManagement: false,
        rateLimitPerMinute: 60,
        expiresAt: null,
        permissions: FULL_PERMISSIONS,
        allowedIps: [],
      };
      expect(widerDimension({ ...limits, userManagement: true }, limits)).toBe('userManagement');
      expect(widerDimension(limits, { ...limits, userManagement: true })).toBeUndefined();
    });

    it('equal or narrower in every dimension is created', async () => {
      for (const body of [
        {
          businessScope: { type: 'restricted', businessIds: [bizB, bizA] },
          userManagement: true,
          rateLimitPerMinute: 10,
          expiresAt: makerExpiry,
        },
        {
          businessScope: { type: 'restricted', businessIds: [bizA] },
          rateLimitPerMinute: 1,
          expiresAt: hour(0.5),
        },
      ]) {
        expect((await create({ key: maker.key }, body)).statusCode).toBe(201);
      }
    });

    it('omitted fields inherit the maker’s values (userManagement stays false)', async () => {
      const res = await create({ key: maker.key }, {});
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        businessScope: { type: 'restricted', businessIds: [bizA, bizB].sort() },
        userManagement: false,
        rateLimitPerMinute: 10,
        expiresAt: makerExpiry,
        createdBy: { type: 'api_key', id: maker.id },
      });
    });
  });

  describe('red-team reproductions', () => {
    it('a key with rate limit 3 mints a child: the child has 3, and asking for 60 is refused', async () => {
      const maker = (
        await create(
          { session: owner },
          { userManagement: true, businessScope: { type: 'unrestricted' }, rateLimitPerMinute: 3 },
        )
      ).json();
      const child = await create({ key: maker.key }, {});
      expect(child.json().rateLimitPerMinute).toBe(3);
      const used = await call(t.app, { url: '/api/v1/businesses', as: { key: child.json().key } });
      expect(used.headers['x-ratelimit-limit']).toBe('3');
      expect((await create({ key: maker.key }, { rateLimitPerMinute: 60 })).statusCode).toBe(403);
    });

    it('a key expiring in 60 s mints a child: the child expires at most then', async () => {
      const expiresAt = new Date(Date.now() + 60_000).toISOString();
      const { key } = await createKey(t.app, owner, { userManagement: true, expiresAt });
      const child = await create({ key }, { businessScope: { type: 'unrestricted' } });
      expect(child.statusCode).toBe(201);
      expect(child.json().expiresAt).toBe(expiresAt);
      const never = await create(
        { key },
        { businessScope: { type: 'unrestricted' }, expiresAt: null },
      );
      expect(never.json().code).toBe('escalation_denied');
    });
  });

  describe('from a session', () => {
    it('a rate limit above the deployment default is refused; omitted means the default', async () => {
      const over = await create(
        { session: owner },
        { businessScope: { type: 'unrestricted' }, rateLimitPerMinute: 1001 },
      );
      expect(over.statusCode).toBe(403);
      expect(over.json().code).toBe('escalation_denied');
      const omitted = await create({ session: owner }, { businessScope: { type: 'unrestricted' } });
      expect(omitted.json().rateLimitPerMinute).toBe(1000);
      const equal = await create(
        { session: owner },
        { businessScope: { type: 'unrestricted' }, rateLimitPerMinute: 1000 },
      );
      expect(equal.statusCode).toBe(201);
    });

    it('a missing businessScope is a 400 (a session has no scope to inherit)', async () => {
      const res = await create({ session: owner }, {});
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('/businessScope');
    });

    it('records createdBy: the user', async () => {
      const { json } = await createKey(t.app, owner);
      expect(json.createdBy).toEqual({ type: 'user', id: owner.userId });
    });
  });

  it('the operator CLI records createdBy operator and may set any rate limit', async () => {
    const url =
      engine === 'postgres'
        ? `${postgresUrl}?schema=${(t.config.database as { schema: string }).schema}`
        : `sqlite:${t.sqlitePath}`;
    const bin = fileURLToPath(new URL('../bin/iqra.js', import.meta.url));
    const args = ['keys', 'create', '--user', owner.email, '--name', 'Ops', '--rate-limit', '5000'];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [bin, ...args],
        {
          env: {
            PATH: process.env.PATH,
            DATABASE_URL: url,
            IQRA_PEPPER: t.config.pepper,
            SESSION_SECRET: t.config.sessionSecret,
            LOG_LEVEL: 'silent',
          },
        },
        (error, out) => (error ? reject(error) : resolve(out)),
      ),
    );
    const key = stdout.trim();
    const list = await call(t.app, {
      url: '/api/v1/user/api-keys?limit=100',
      as: { session: owner },
    });
    const made = list.json().data.find((k: { prefix: string }) => k.prefix === key.slice(0, 12));
    expect(made).toMatchObject({
      createdBy: { type: 'operator', id: null },
      rateLimitPerMinute: 5000,
    });
  });

  describe('a restricted user-management key stays inside its scope', () => {
    let restricted: { key: string; id: string };
    let unrestricted: { key: string; id: string };
    let otherBusiness: { key: string; id: string };
    let insideChild: string;
    beforeAll(async () => {
      restricted = await createKey(t.app, owner, {
        businessScope: { type: 'restricted', businessIds: [bizA] },
        userManagement: true,
      });
      unrestricted = await createKey(t.app, owner, { userManagement: true });
      otherBusiness = await createKey(t.app, owner, {
        businessScope: { type: 'restricted', businessIds: [bizB] },
      });
      insideChild = (await create({ key: restricted.key }, {})).json().id;
      const usage = (businessId: string, n: number) => ({
        call_id: `call_${businessId.slice(4)}${n}`,
        user_id: owner.userId,
        business_id: businessId,
        conversation_id: `conv_${n}`,
        duration_seconds: 60,
        minutes: 1,
        ended_at: new Date(Date.now() - n * 1000).toISOString(),
        created_at: new Date().toISOString(),
      });
      await t.store.db
        .insertInto('usage_records')
        .values([usage(bizA, 1), usage(bizB, 2)])
        .execute();
    });

    it('lists only keys inside it, itself included; a session lists all', async () => {
      const ids = async (as: { key: string } | { session: Session }) =>
        (await call(t.app, { url: '/api/v1/user/api-keys?limit=100', as }))
          .json()
          .data.map((k: { id: string }) => k.id);
      const seen = await ids({ key: restricted.key });
      expect(seen).toEqual(expect.arrayContaining([restricted.id, insideChild]));
      expect(seen).not.toContain(unrestricted.id);
      expect(seen).not.toContain(otherBusiness.id);
      expect(await ids({ session: owner })).toEqual(
        expect.arrayContaining([restricted.id, insideChild, unrestricted.id, otherBusiness.id]),
      );
    });

    it('cannot get or revoke an unrestricted key or another business’s key (404)', async () => {
      for (const target of [unrestricted, otherBusiness]) {
        for (const method of ['GET', 'DELETE'] as const) {
          const res = await call(t.app, {
            method,
            url: `/api/v1/user/api-keys/${target.id}`,
            as: { key: restricted.key },
          });
          expect(res.statusCode).toBe(404);
          expect(res.json().detail).toBe('Not found.');
        }
      }
      const still = await call(t.app, { url: '/api/v1/businesses', as: { key: unrestricted.key } });
      expect(still.statusCode).toBe(200);
    });

    it('revokes a key inside it, with revokedReason "manual"', async () => {
      const res = await call(t.app, {
        method: 'DELETE',
        url: `/api/v1/user/api-keys/${insideChild}`,
        as: { key: restricted.key },
      });
      expect(res.json()).toMatchObject({ status: 'revoked', revokedReason: 'manual' });
    });

    it('cannot read account-wide billing (403); an unrestricted key and a session can', async () => {
      const res = await call(t.app, { url: '/api/v1/user/billing', as: { key: restricted.key } });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('unrestricted_key_required');
      for (const as of [{ key: unrestricted.key }, { session: owner }]) {
        expect((await call(t.app, { url: '/api/v1/user/billing', as })).statusCode).toBe(200);
      }
    });

    it('sees usage of its businesses only; a businessId outside its scope is 403', async () => {
      const usage = (as: { key: string }, query = '') =>
        call(t.app, { url: `/api/v1/user/usage${query}`, as });
      const own = (await usage({ key: restricted.key })).json().data;
      expect(own.map((u: { businessId: string }) => u.businessId)).toEqual([bizA]);
      const outside = await usage({ key: restricted.key }, `?businessId=${bizB}`);
      expect(outside.statusCode).toBe(403);
      expect(outside.json().code).toBe('business_access_denied');
      const all = (await usage({ key: unrestricted.key })).json().data;
      expect(all.map((u: { businessId: string }) => u.businessId).sort()).toEqual(
        [bizA, bizB].sort(),
      );
    });
  });
});
