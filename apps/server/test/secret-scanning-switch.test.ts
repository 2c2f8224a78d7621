import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from './helpers/harness.js';
import { fakePartner, postReport } from './helpers/scanning.js';

const partner = fakePartner();

afterAll(() => {
  rmSync(partner.dir, { recursive: true, force: true });
});

describe('the secret scanning endpoint’s switch and failure budget', () => {
  it('answers 404 when SECRET_SCANNING_KEYS_FILE is unset', async () => {
    const off = await startTestApp();
    try {
      const res = await postReport(off.app, '[]', partner.privateKey);
      expect(res.statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('an unreadable key file is the operator’s error: 503 problem, nothing revoked, never a 500', async () => {
    const broken = await startTestApp({
      config: { secretScanningKeysFile: `${partner.dir}/missing.json` },
    });
    try {
      const res = await postReport(broken.app, '[]', partner.privateKey);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'service_unavailable' });
    } finally {
      await broken.close();
    }
  });

  it('bad signatures spend the address’s failure budget (then 429), others unaffected', async () => {
    const tight = await startTestApp({
      config: { secretScanningKeysFile: partner.file, authFailuresPerMinute: 2 },
    });
    try {
      const bad = { identifier: 'kid-unknown', remoteAddress: '203.0.113.7' };
      expect((await postReport(tight.app, '[]', partner.privateKey, bad)).statusCode).toBe(401);
      expect((await postReport(tight.app, '[]', partner.privateKey, bad)).statusCode).toBe(401);
      const third = await postReport(tight.app, '[]', partner.privateKey, bad);
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBeDefined();
      const good = await postReport(tight.app, '[]', partner.privateKey, {
        remoteAddress: '203.0.113.8',
      });
      expect(good.statusCode).toBe(200);
    } finally {
      await tight.close();
    }
  });
});
