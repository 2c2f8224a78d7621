import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../apps/server/test/helpers/browser.js';
import { createAgent, followCall, placeCall } from '../../../apps/server/test/helpers/calls.js';
import { createBusiness, createKey, signUp } from '../../../apps/server/test/helpers/client.js';
import { startTestApp, type TestApp } from '../../../apps/server/test/helpers/harness.js';
import { freePort } from '../../../apps/server/test/helpers/ports.js';
import { startExample } from '../app.js';

const SECRET = 'iqra_sk_';

describe('examples/browser-app against a real Iqra server, in Chromium', () => {
  let t: TestApp;
  let iqraUrl: string;
  let example: { url: string; close(): Promise<void> };
  let browser: Browser | undefined;
  let key: string;
  let businessId: string;
  const conversationIds: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    t = await startTestApp({ config: { corsOrigins: [origin] } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    iqraUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const owner = await signUp(t.app);
    businessId = await createBusiness(t.app, owner, 'Example clinic');
    ({ key } = await createKey(t.app, owner));
    const agentId = await createAgent(t.app, { key }, businessId);
    for (const patient of ['Ada', 'Sam']) {
      const placed = await placeCall(t.app, { key }, businessId, {
        agentId,
        to: '+15005550006',
        variables: { patient },
      });
      await followCall(t.app, { key }, businessId, placed.id);
      conversationIds.push(placed.conversationId);
    }
    example = await startExample({ iqraUrl, apiKey: key, businessId, port });
    expect(example.url).toBe(origin);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await example?.close();
    await t?.close();
  });

  it('lists the conversations both ways, and the key never appears in the browser', async () => {
    expect(key.startsWith(SECRET)).toBe(true);
    if (!browser) throw new Error('no browser');
    const page = await browser.newPage();
    const seen: Promise<string>[] = [];
    const directCalls: string[] = [];
    page.on('request', (request) => {
      seen.push(
        request
          .allHeaders()
          .then((h) => `${request.url()} ${JSON.stringify(h)} ${request.postData() ?? ''}`),
      );
      if (request.url().startsWith(`${iqraUrl}/api/v1/businesses/`)) {
        directCalls.push(request.headers().authorization ?? '');
      }
    });
    page.on('response', (response) => {
      seen.push(
        Promise.all([
          response.allHeaders().then((h) => JSON.stringify(h)),
          response.text().catch(() => ''),
        ]).then(([headers, body]) => `${response.url()} ${headers} ${body}`),
      );
    });

    await page.goto(example.url);
    for (const list of ['#proxy-list', '#token-list']) {
      await page.waitForSelector(`${list}[aria-busy="false"]`, { timeout: 20_000 });
      const ids = await page.$$eval(`${list} li`, (items) =>
        items.map((item) => (item as HTMLElement).dataset.id),
      );
      expect(ids.sort(), (await page.textContent(list)) ?? undefined).toEqual(
        [...conversationIds].sort(),
      );
    }
    // The token list really came straight from Iqra, with a client token.
    expect(directCalls).toHaveLength(1);
    expect(directCalls[0]).toMatch(/^Token iqra_ct_/);

    const dom = await page.evaluate(() => document.documentElement.outerHTML);
    const storage = await page.evaluate(() =>
      JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]),
    );
    const traffic = await Promise.all(seen);
    // Every response the page received: the page, its script, config, proxy, token, Iqra.
    expect(traffic.length).toBeGreaterThanOrEqual(6);
    expect(traffic.some((entry) => entry.includes(conversationIds[0] ?? '?'))).toBe(true);
    expect(dom).not.toContain(SECRET);
    expect(storage).not.toContain(SECRET);
    for (const entry of traffic) expect(entry).not.toContain(SECRET);
    expect(dom).not.toContain(key);
    await page.close();
  });
});
