import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { createBusiness, createKey, signUp } from './helpers/client.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { freePort } from './helpers/ports.js';

const SHOTS = 'artifacts/screenshots';

/** The interactive reference: a visitor pastes a key and sends requests from the page. */
describe('the API reference at /docs', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  let key: string;
  let businessId: string;
  const offsite: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The document's `servers` is PUBLIC_URL, so the reference sends its requests there.
    const port = await freePort();
    t = await startTestApp({ config: { publicUrl: `http://127.0.0.1:${port}` } });
    const owner = await signUp(t.app);
    businessId = await createBusiness(t.app, owner, 'Dental Clinic');
    key = (await createKey(t.app, owner)).key;
    origin = await t.app.listen({ port, host: '127.0.0.1' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) offsite.push(r.url());
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function send(authorization: string): Promise<string> {
    await page.goto(`${origin}/docs`);
    await page.getByText('List the businesses this credential can reach').first().click();
    await page
      .getByRole('button', { name: /Test Request.*get \/api\/v1\/businesses\)/ })
      .first()
      .click();
    const client = page.getByRole('dialog');
    await client.locator('input[type=text]').first().fill(authorization);
    await client.getByRole('button', { name: /Send Request/ }).click();
    await client
      .getByText(/\d+ (OK|Unauthorized)/)
      .first()
      .waitFor();
    return (await client.textContent()) ?? '';
  }

  it('sends a request with a pasted key and shows the answer', async () => {
    const shown = await send(`Token ${key}`);
    expect(shown).toContain('200 OK');
    expect(shown).toContain(businessId);
    await page.screenshot({ path: `${SHOTS}/docs-try-it.png` });
  });

  it('shows the problem answer for a bad key', async () => {
    const shown = await send('Token iqra_sk_not_a_real_key');
    expect(shown).toContain('401');
    expect(shown).toContain('Invalid token.');
  });

  it('loads nothing from anywhere else and logs no errors', () => {
    expect(offsite).toEqual([]);
    // The bad-key request's 401 is the one error the browser is expected to report.
    expect(consoleErrors.filter((e) => !e.includes('status of 401'))).toEqual([]);
  });
});
