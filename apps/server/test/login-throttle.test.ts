import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/auth/actor.js';
import {
  type CounterStore,
  memoryCounters,
  redisCounters,
  Throttle,
} from '../src/auth/rate-limit.js';
import { SessionTokens } from '../src/auth/session-tokens.js';
import { openStore, type Store } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations/index.js';
import { registerProblemHandler } from '../src/http/problem-handler.js';
import { ProblemSchema } from '../src/http/schemas.js';
import type { App } from '../src/http/types.js';
import { registerValidation } from '../src/http/validation.js';
import { registerSessionRoutes } from '../src/sessions/routes.js';
import { sessionService } from '../src/sessions/service.js';
import { userService } from '../src/users/service.js';
import { uniqueEmail } from './helpers/client.js';
import { testDatabase } from './helpers/harness.js';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PER_EMAIL = 5;
const PER_IP = 6;
const PASSWORD = 'the right password';

/** A fresh address per run: Redis counters outlive the test process. */
const freshIp = () => `10.${randomBytes(3).join('.')}`;

/**
 * The real auth routes on a real engine and real counters, with the one dependency that runs
 * scrypt wrapped so the test can count how many attempts reached the password check.
 */
async function authApp(counters: CounterStore) {
  const { database, dispose } = testDatabase();
  const store: Store = openStore(database);
  await migrateToLatest(store);
  const users = userService({ db: store.db, publish: () => {} });
  const counted = { checks: 0 };
  const app: App = Fastify().withTypeProvider<TypeBoxTypeProvider>();
  registerValidation(app);
  registerProblemHandler(app);
  // Route schemas refer to the shared Problem schema (registerOpenApi adds it in the real app).
  app.addSchema(ProblemSchema);
  await app.register(fastifyCookie);
  const throttle = (prefix: string, points: number) =>
    new Throttle(counters, { prefix: `test:${prefix}`, points, durationSeconds: 900 });
  const sessions = sessionService({
    db: store.db,
    users: {
      ...users,
      checkPassword: (email, password) => {
        counted.checks += 1;
        return users.checkPassword(email, password);
      },
    },
    sessionTokens: new SessionTokens(randomBytes(32).toString('base64url')),
    throttles: {
      loginByEmail: throttle('login:email', PER_EMAIL),
      loginByIp: throttle('login:ip', PER_IP),
      signupByIp: throttle('signup:ip', 100),
      signupByEmail: throttle('signup:email', 5),
    },
  });
  registerSessionRoutes(app, { sessions, alwaysSecureCookie: false });
  await app.ready();
  const login = (email: string, password: string, remoteAddress: string) =>
    app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { email, password },
      remoteAddress,
    });
  const account = async () => {
    const email = uniqueEmail('throttle');
    await users.create({ email, password: PASSWORD, name: 'Ada' }, systemActor('cli'));
    return email;
  };
  return {
    counted,
    login,
    account,
    async close() {
      await app.close();
      await dispose(store);
      await store.close();
    },
  };
}

const stores: [string, () => { counters: CounterStore; close: () => void }][] = [
  ['memory counters', () => ({ counters: memoryCounters(), close: () => {} })],
  [
    'Redis counters',
    () => {
      const client = new Redis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
      return { counters: redisCounters(client), close: () => client.disconnect() };
    },
  ],
];

describe.each(stores)('login throttle reserves before the password check (%s)', (_name, make) => {
  let t: Awaited<ReturnType<typeof authApp>>;
  let closeCounters: () => void;

  beforeAll(async () => {
    const made = make();
    closeCounters = made.close;
    t = await authApp(made.counters);
  });

  afterAll(async () => {
    await t?.close();
    closeCounters?.();
  });

  it('50 concurrent wrong passwords for one email: at most the budget reach scrypt, the rest 429', async () => {
    const email = await t.account();
    const before = t.counted.checks;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.login(email, `wrong ${i}`, freshIp())),
    );
    const statuses = responses.map((r) => r.statusCode);
    expect(t.counted.checks - before).toBeLessThanOrEqual(PER_EMAIL);
    expect(statuses.filter((s) => s === 401)).toHaveLength(t.counted.checks - before);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - (t.counted.checks - before));
    const refused = responses.find((r) => r.statusCode === 429);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    // Locked: even the right password is refused without reaching scrypt.
    const checks = t.counted.checks;
    expect((await t.login(email, PASSWORD, freshIp())).statusCode).toBe(429);
    expect(t.counted.checks).toBe(checks);
  });

  it('50 concurrent guesses at 50 emails from one address: at most the per-IP budget reach scrypt', async () => {
    const ip = freshIp();
    const before = t.counted.checks;
    const statuses = (
      await Promise.all(
        Array.from({ length: 50 }, () => t.login(uniqueEmail('nobody'), 'nope nope', ip)),
      )
    ).map((r) => r.statusCode);
    expect(t.counted.checks - before).toBeLessThanOrEqual(PER_IP);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50 - PER_IP);
  });

  it('the right password within the budget logs in and refunds the reservation', async () => {
    const email = await t.account();
    const ip = freshIp();
    for (let i = 0; i < PER_EMAIL - 1; i++) {
      expect((await t.login(email, `typo ${i}`, freshIp())).statusCode).toBe(401);
    }
    // More successes from one address than its budget: each one was refunded.
    for (let i = 0; i < PER_IP + 2; i++) {
      expect((await t.login(email, PASSWORD, ip)).statusCode).toBe(200);
    }
    // The email's budget is whole again after a success.
    for (let i = 0; i < PER_EMAIL; i++) {
      expect((await t.login(email, `again ${i}`, freshIp())).statusCode).toBe(401);
    }
    expect((await t.login(email, 'one more', freshIp())).statusCode).toBe(429);
  });

  it('an attempt refused per address does not spend the email budget', async () => {
    const email = await t.account();
    const ip = freshIp();
    for (let i = 0; i < PER_IP; i++) {
      await t.login(uniqueEmail('spray'), 'nope nope', ip);
    }
    for (let i = 0; i < PER_EMAIL + 5; i++) {
      expect((await t.login(email, 'nope nope', ip)).statusCode).toBe(429);
    }
    expect((await t.login(email, PASSWORD, freshIp())).statusCode).toBe(200);
  });
});
