import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createKey, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

// Issue 12: per-request logging stays at info, but as one allow-listed line, not two plus redaction.
describe('request log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ captureLogs: true });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('one line per request with method, URL, status and time, and never the credential', async () => {
    const owner = await signUp(t.app);
    const { key } = await createKey(t.app, owner);
    t.logs.length = 0;
    const res = await call(t.app, { url: '/api/v1/businesses?x=iqra_sk_pasted', as: { key } });
    expect(res.statusCode).toBe(200);
    const id = res.headers['x-request-id'];
    const lines = t.logs.map((l) => JSON.parse(l)).filter((l) => l.reqId === id);
    expect(lines.map((l) => l.msg)).toEqual(['request completed']);
    expect(lines[0]).toMatchObject({
      level: 30,
      req: { method: 'GET', url: '/api/v1/businesses?x=iqra_sk_[redacted]' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    // Written by hand for speed, but field for field what pino writes (issue 12).
    expect(Object.keys(lines[0])).toEqual([
      'level',
      'time',
      'pid',
      'hostname',
      'reqId',
      'req',
      'res',
      'responseTime',
      'msg',
    ]);
    expect(lines[0].pid).toBe(process.pid);
    expect(Object.keys(lines[0].req)).toEqual(['method', 'url', 'remoteAddress']);
    expect(t.logs.join('')).not.toContain(key);
  });
});
