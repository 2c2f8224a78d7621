import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/auth/actor.js';
import { userService } from '../src/users/service.js';
import { call, createKey, type Session, signUp } from './helpers/client.js';
import { startPeerApp, startTestApp, type TestApp } from './helpers/harness.js';

describe('revocation', () => {
  let t: TestApp;
  let peer: TestApp;
  let owner: Session;

  beforeAll(async () => {
    t = await startTestApp({ sqliteFile: true, invalidationPollMs: 50 });
    peer = await startPeerApp(t, { invalidationPollMs: 50 });
    owner = await signUp(t.app);
  });

  afterAll(async () => {
    await peer?.close();
    await t?.close();
  });

  it('takes effect on the very next request', async () => {
    const { key, id } = await createKey(t.app, owner);
    for (let i = 0; i < 3; i++) {
      expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    }
    const revoked = await call(t.app, {
      method: 'DELETE',
      url: `/api/v1/user/api-keys/${id}`,
      as: { session: owner },
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ id, status: 'revoked' });
    const next = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(next.statusCode).toBe(401);
    expect(next.json().detail).toBe('Invalid token.');
  });

  it('a key can revoke itself, and is refused right after', async () => {
    const { key, id } = await createKey(t.app, owner, { userManagement: true });
    const res = await call(t.app, {
      method: 'DELETE',
      url: `/api/v1/user/api-keys/${id}`,
      as: { key },
    });
    expect(res.statusCode).toBe(200);
    expect((await call(t.app, { url: '/api/v1/user', as: { key } })).statusCode).toBe(401);
  });

  it('reaches another server node within a second', async () => {
    const { key, id } = await createKey(t.app, owner);
    // Both nodes have the key cached.
    expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    expect((await call(peer.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    await call(t.app, {
      method: 'DELETE',
      url: `/api/v1/user/api-keys/${id}`,
      as: { session: owner },
    });
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 5000) {
      status = (await call(peer.app, { url: '/api/v1/businesses', as: { key } })).statusCode;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('revoking twice keeps the first revocation time, and the key stays listed', async () => {
    const { id } = await createKey(t.app, owner, { name: 'Twice' });
    const first = await call(t.app, {
      method: 'DELETE',
      url: `/api/v1/user/api-keys/${id}`,
      as: { session: owner },
    });
    const second = await call(t.app, {
      method: 'DELETE',
      url: `/api/v1/user/api-keys/${id}`,
      as: { session: owner },
    });
    expect(second.statusCode).toBe(200);
    expect(second.json().revokedAt).toBe(first.json().revokedAt);
    const list = await call(t.app, {
      url: '/api/v1/user/api-keys?status=revoked&limit=100',
      as: { session: owner },
    });
    expect(list.json().data.map((k: { id: string }) => k.id)).toContain(id);
  });

  it('a disabled user is refused at once, with 403', async () => {
    const other = await signUp(t.app);
    const { key } = await createKey(t.app, other);
    expect((await call(t.app, { url: '/api/v1/businesses', as: { key } })).statusCode).toBe(200);
    // As the operator CLI does it, from another process: only the database connects them.
    await userService({ db: t.store.db, publish: () => {} }).setDisabled(
      other.userId,
      true,
      systemActor('cli'),
    );
    await new Promise((r) => setTimeout(r, 200));
    const res = await call(t.app, { url: '/api/v1/businesses', as: { key } });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe('This user account is disabled.');
    const session = await call(t.app, { url: '/api/v1/businesses', as: { session: other } });
    expect(session.statusCode).toBe(403);
  });
});
