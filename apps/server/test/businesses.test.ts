import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createBusiness, createKey, type Session, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

describe('businesses', () => {
  let t: TestApp;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp();
    owner = await signUp(t.app);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates with defaults and canonical values', async () => {
    const res = await call(t.app, {
      method: 'POST',
      url: '/api/v1/businesses',
      as: { session: owner },
      body: { name: '  Dental Clinic  ', defaultLanguage: 'pt-br', timezone: 'America/Sao_Paulo' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^biz_/),
      name: 'Dental Clinic',
      defaultLanguage: 'pt-BR',
      timezone: 'America/Sao_Paulo',
      disabled: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const plain = await call(t.app, {
      method: 'POST',
      url: '/api/v1/businesses',
      as: { session: owner },
      body: { name: 'Plain' },
    });
    expect(plain.json()).toMatchObject({ defaultLanguage: 'en', timezone: 'UTC' });
  });

  it.each([
    [{ name: 'X', timezone: 'Mars/Olympus' }, '/timezone'],
    [{ name: 'X', defaultLanguage: 'not a language' }, '/defaultLanguage'],
    [{ name: '   ' }, '/name'],
    [{ name: 'x'.repeat(101) }, '/name'],
    [{ name: 'X', owner: 'usr_x' }, '/owner'],
  ])('explains a bad field: %j', async (body, path) => {
    const res = await call(t.app, {
      method: 'POST',
      url: '/api/v1/businesses',
      as: { session: owner },
      body,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe(path);
  });

  it('renames, and refuses an empty patch', async () => {
    const id = await createBusiness(t.app, owner, 'Old');
    const res = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/businesses/${id}`,
      as: { session: owner },
      body: { name: 'New' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe('New');
    expect(
      (await call(t.app, { url: `/api/v1/businesses/${id}`, as: { session: owner } })).json().name,
    ).toBe('New');
    const empty = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/businesses/${id}`,
      as: { session: owner },
      body: {},
    });
    expect(empty.statusCode).toBe(400);
  });

  it('a disabled business refuses its keys; its owner can re-enable it from the dashboard', async () => {
    const id = await createBusiness(t.app, owner, 'Paused');
    const { key } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [id] },
    });
    expect((await call(t.app, { url: `/api/v1/businesses/${id}`, as: { key } })).statusCode).toBe(
      200,
    );
    const disabled = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/businesses/${id}`,
      as: { session: owner },
      body: { disabled: true },
    });
    expect(disabled.json().disabled).toBe(true);
    const refused = await call(t.app, { url: `/api/v1/businesses/${id}`, as: { key } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe('This business is disabled.');
    // Still listed, flagged.
    const list = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(list.json().data).toEqual([expect.objectContaining({ id, disabled: true })]);
    expect(
      (await call(t.app, { url: `/api/v1/businesses/${id}`, as: { session: owner } })).statusCode,
    ).toBe(200);
    await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/businesses/${id}`,
      as: { session: owner },
      body: { disabled: false },
    });
    expect((await call(t.app, { url: `/api/v1/businesses/${id}`, as: { key } })).statusCode).toBe(
      200,
    );
  });

  it('deletes: gone for everyone, keys restricted to it reach nothing', async () => {
    const id = await createBusiness(t.app, owner, 'Doomed');
    const { key } = await createKey(t.app, owner, {
      businessScope: { type: 'restricted', businessIds: [id] },
    });
    expect(
      (
        await call(t.app, {
          method: 'DELETE',
          url: `/api/v1/businesses/${id}`,
          as: { session: owner },
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await call(t.app, { url: `/api/v1/businesses/${id}`, as: { session: owner } })).statusCode,
    ).toBe(404);
    // Its last business gone, the key is revoked (scope_empty, API.md §5): it reaches nothing.
    expect((await call(t.app, { url: `/api/v1/businesses/${id}`, as: { key } })).statusCode).toBe(
      401,
    );
    expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(401);
  });

  it('answers 404 for ids that are malformed, unknown or someone else’s', async () => {
    const stranger = await signUp(t.app);
    const theirs = await createBusiness(t.app, stranger);
    for (const id of ['nope', 'biz_00000000000000000000000000', theirs, `${'x'.repeat(60)}`]) {
      const res = await call(t.app, { url: `/api/v1/businesses/${id}`, as: { session: owner } });
      expect(res.statusCode, id).toBe(404);
      expect(res.json().detail).toBe('Not found.');
    }
  });

  it('pages newest first', async () => {
    const user = await signUp(t.app);
    const ids = [];
    for (let i = 0; i < 7; i++) ids.push(await createBusiness(t.app, user, `B${i}`));
    const first = (
      await call(t.app, { url: '/api/v1/businesses?limit=5', as: { session: user } })
    ).json();
    expect(first.data.map((b: { id: string }) => b.id)).toEqual(ids.slice(2).reverse());
    const second = (
      await call(t.app, {
        url: `/api/v1/businesses?limit=5&cursor=${first.nextCursor}`,
        as: { session: user },
      })
    ).json();
    expect(second.data.map((b: { id: string }) => b.id)).toEqual(ids.slice(0, 2).reverse());
    expect(second.nextCursor).toBeNull();
  });
});
