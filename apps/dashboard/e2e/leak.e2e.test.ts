import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, signUp, uniqueEmail } from '../../server/test/helpers/client.js';
import { startTestApp, type TestApp } from '../../server/test/helpers/harness.js';
import { fakePartner, postReport } from '../../server/test/helpers/scanning.js';
import { DESKTOP, DIST, launchBrowser, newContext, screenshot, watchConsole } from './harness.js';

const PASSWORD = 'correct horse battery';
const FOUND_AT = 'https://github.com/acme/app/blob/abc/config.js';
const partner = fakePartner();
let t: TestApp;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  t = await startTestApp({
    sqliteFile: true,
    config: { dashboardDir: DIST, secretScanningKeysFile: partner.file },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  rmSync(partner.dir, { recursive: true, force: true });
});

describe('leak notice in Chromium', () => {
  it('shows the owner a red banner after a report, marks the key, and hides it once dismissed', async () => {
    const email = uniqueEmail('leak');
    const session = await signUp(t.app, email, PASSWORD);
    const leaked = await createKey(t.app, session, { name: 'CI deploy' });
    const report = JSON.stringify([
      { token: leaked.key, type: 'iqra_api_key', url: FOUND_AT, source: 'content' },
    ]);
    expect((await postReport(t.app, report, partner.privateKey)).statusCode).toBe(200);

    const context = await newContext(browser, origin, DESKTOP);
    const page = await context.newPage();
    const console = watchConsole(page);
    try {
      await page.goto('/login');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      const banner = page.getByRole('alert').filter({ hasText: 'found in public' });
      await banner.waitFor();
      expect(await banner.textContent()).toContain(
        `A key was found in public and has been revoked: CI deploy, found at ${FOUND_AT}`,
      );
      expect(await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toBe(
        'rgba(0, 0, 0, 0)',
      );

      await page.goto('/keys');
      await banner.waitFor();
      await page.getByText('Revoked — leaked').waitFor();
      await screenshot(page, 'leak-notice');

      await banner.getByRole('button', { name: /Dismiss/ }).click();
      await banner.waitFor({ state: 'detached' });
      await page.reload();
      await page.getByText('Revoked — leaked').waitFor();
      expect(await page.getByRole('alert').filter({ hasText: 'found in public' }).count()).toBe(0);
      expect(await page.content()).not.toContain(leaked.key);
      expect(console).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
