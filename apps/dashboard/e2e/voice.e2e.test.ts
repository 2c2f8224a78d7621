import { createServer, type Server as HttpServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleEntry,
  DESKTOP,
  launchBrowser,
  newContext,
  PHONE,
  type Server,
  screenshot,
  startServer,
  watchConsole,
} from './harness.js';

const PASSWORD = 'correct horse battery';
const EMAIL = `voice-${Date.now().toString(36)}@example.com`;

let server: Server;
let browser: Browser;
/** A local webhook receiver: every POST it got, with its headers. */
let receiver: HttpServer;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/iqra`;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function open(viewport: typeof DESKTOP) {
  const context = await newContext(browser, server.origin, viewport);
  const page = await context.newPage();
  return { context, page, console: watchConsole(page) };
}

/** On a phone, pages other than the four tabs sit under "More". */
async function nav(page: Page, name: string) {
  const main = page.getByRole('navigation', { name: 'Main' });
  const link = main.getByRole('link', { name, exact: true });
  if (!(await link.isVisible())) await main.getByRole('button', { name: 'More' }).click();
  await main.getByRole('link', { name, exact: true }).filter({ visible: true }).click();
}

async function dismissToasts(page: Page) {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) {
    await buttons
      .first()
      .click({ timeout: 1000 })
      .catch(() => {});
  }
}

async function shot(page: Page, name: string) {
  await dismissToasts(page);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${name} scrolls sideways`).toBeLessThanOrEqual(0);
  await screenshot(page, name);
}

/** Places a call through the Test call dialog and waits for its row to reach `status`. */
async function testCall(page: Page, preset: string, number: string, status: string) {
  await page.getByRole('button', { name: 'Test call' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Test call' });
  await dialog.getByRole('radio', { name: new RegExp(`^${preset}`) }).check();
  await dialog.getByRole('textbox', { name: 'patient' }).fill('Sam');
  await dialog.getByRole('button', { name: 'Call', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  const row = page.getByRole('row', { name: new RegExp(number.replace('+', '\\+')) }).first();
  await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain(status);
  return row;
}

function statusOf(row: Locator) {
  return row.locator('[data-status]').getAttribute('data-status');
}

describe('the voice workspace in Chromium', () => {
  let desktopConsole: ConsoleEntry[] = [];

  it('agent with {{patient}} → test call → live status → transcript → webhook deliveries → usage', async () => {
    const { context, page, console } = await open(DESKTOP);
    desktopConsole = console;

    await page.goto('/signup');
    await page.getByLabel('Name').fill('Ada Voice');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();

    // Pages of a business say what to do when there is none.
    await nav(page, 'Agents');
    await page.getByRole('heading', { name: 'Create a business first' }).waitFor();
    await nav(page, 'Businesses');
    await page.getByRole('button', { name: 'New business' }).first().click();
    const bizDialog = page.getByRole('dialog', { name: 'New business' });
    await bizDialog.getByLabel('Name').fill('Dental Clinic');
    await bizDialog.getByRole('button', { name: 'Create business' }).click();
    await bizDialog.waitFor({ state: 'detached' });

    // An agent whose greeting names the patient.
    await nav(page, 'Agents');
    await page.getByRole('heading', { name: 'No agents yet' }).waitFor();
    await shot(page, 'agents-empty');
    await page.getByRole('button', { name: 'New agent' }).first().click();
    const agentDialog = page.getByRole('dialog', { name: 'New agent' });
    await agentDialog.getByRole('textbox', { name: 'Name' }).fill('Reminders');
    await agentDialog
      .getByRole('textbox', { name: 'Greeting' })
      .fill('Hello {{patient}}, this is Dental Clinic calling about your appointment.');
    await agentDialog.getByRole('textbox', { name: 'Sample value for patient' }).fill('Sam');
    await expect
      .poll(() => agentDialog.getByTestId('greeting-preview').textContent())
      .toContain('Hello Sam, this is Dental Clinic');
    await shot(page, 'agent-dialog');
    await agentDialog.getByRole('button', { name: 'Create agent' }).click();
    await agentDialog.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /Reminders/ }).waitFor();
    await shot(page, 'agents');

    // A test call: the row turns completed without a reload.
    await nav(page, 'Calls');
    await page.getByRole('heading', { name: 'No calls yet' }).waitFor();
    await shot(page, 'calls-empty');
    await page.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });
    await page.getByRole('button', { name: 'Test call' }).first().click();
    const callDialog = page.getByRole('dialog', { name: 'Test call' });
    await callDialog.getByRole('textbox', { name: 'patient' }).fill('Sam');
    await shot(page, 'test-call-dialog');
    await callDialog.getByRole('button', { name: 'Call', exact: true }).click();
    await callDialog.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /\+15005550006/ });
    await expect.poll(() => statusOf(row), { timeout: 20_000 }).toBe('completed');
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    );
    await shot(page, 'calls');

    // Its page: the timeline, then its conversation.
    await row.getByRole('link', { name: '+15005550006' }).click();
    await page.getByRole('heading', { name: 'Call to +15005550006' }).waitFor();
    await page.getByRole('list', { name: 'Call status timeline' }).getByText('Completed').waitFor();
    await shot(page, 'call-detail');
    await page.getByRole('link', { name: 'Conversation', exact: true }).click();
    await page.getByRole('heading', { name: 'Conversation with Reminders' }).waitFor();
    const firstAgentTurn = page.locator('.turn-agent').first();
    expect(await firstAgentTurn.textContent()).toContain('Hello Sam');
    await page.getByRole('button', { name: 'Copy as JSON' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(copied.messages[0]).toMatchObject({ role: 'agent' });
    await shot(page, 'conversation-detail');
    await nav(page, 'Conversations');
    await page.getByRole('row', { name: /Completed/ }).waitFor();
    await shot(page, 'conversations');

    // A webhook to the local receiver: its secret shown once, then its deliveries.
    await nav(page, 'Webhooks');
    await page.getByRole('heading', { name: 'No endpoints yet' }).waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).first().click();
    const hookDialog = page.getByRole('dialog', { name: 'Add endpoint' });
    await hookDialog.getByRole('textbox', { name: 'URL' }).fill(receiverUrl);
    await shot(page, 'webhook-dialog');
    await hookDialog.getByRole('button', { name: 'Add endpoint' }).click();
    const reveal = page.getByRole('alertdialog', { name: 'Save the signing secret' });
    expect(await reveal.getByLabel('Signing secret').inputValue()).toMatch(/^whsec_/);
    await shot(page, 'webhook-secret');
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('row', { name: new RegExp(receiverUrl) }).waitFor();
    await shot(page, 'webhooks');

    // Busy, no answer and failed numbers end as such; their events go to the receiver.
    await nav(page, 'Calls');
    await page.getByRole('row', { name: /\+15005550006/ }).waitFor();
    expect(await statusOf(await testCall(page, 'Busy', '+15005550001', 'Busy'))).toBe('busy');
    const noAnswer = await testCall(page, 'No answer', '+15005550002', 'No answer');
    expect(await statusOf(noAnswer)).toBe('no_answer');
    expect(await statusOf(await testCall(page, 'Fails', '+15005550003', 'Failed'))).toBe('failed');
    await shot(page, 'calls-outcomes');
    // The date filter: nothing was created the day after tomorrow.
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(later);
    await page.getByRole('heading', { name: 'No calls match' }).waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('row', { name: /\+15005550006/ }).waitFor();

    await nav(page, 'Webhooks');
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page.getByRole('heading', { name: 'Deliveries' }).waitFor();
    const delivered = page.getByRole('row', { name: /call\.failed.*delivered/ });
    await expect.poll(() => delivered.count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect
      .poll(async () => page.getByRole('row', { name: /pending/ }).count(), { timeout: 30_000 })
      .toBe(0);
    expect(received.length).toBeGreaterThan(0);
    expect(received.every((r) => typeof r.headers['webhook-signature'] === 'string')).toBe(true);
    await shot(page, 'deliveries');

    // A test event to this endpoint only, then one more attempt of it on request.
    await page.getByRole('button', { name: 'Send test event' }).click();
    const testRow = page.getByRole('row', { name: /webhook\.test.*delivered/ });
    await expect.poll(() => testRow.count(), { timeout: 30_000 }).toBe(1);
    const before = received.length;
    await testRow.getByRole('button', { name: /Retry/ }).click();
    await expect.poll(() => received.length, { timeout: 30_000 }).toBeGreaterThan(before);
    expect(received.at(-1)?.body).toContain('webhook.test');
    await shot(page, 'deliveries-retried');

    // Usage shows the answered call's minute.
    await nav(page, 'Usage & billing');
    const period = page.getByRole('region', { name: 'Minutes this period' });
    await expect.poll(() => period.textContent()).toContain('1 min');
    await page
      .getByRole('table', { name: 'Recent usage records' })
      .getByRole('link')
      .first()
      .waitFor();
    await page.locator('.chart canvas').first().waitFor();
    await shot(page, 'usage');

    await nav(page, 'Telephony');
    await page.getByRole('radio', { name: /Twilio/ }).check();
    await page.getByText('Status callback URL').waitFor();
    await shot(page, 'telephony-twilio');

    await nav(page, 'Overview');
    await page.getByRole('heading', { name: 'Recent calls' }).waitFor();
    await page.getByText('Make a test call (done)').waitFor();
    await shot(page, 'overview');

    expect(desktopConsole).toEqual([]);
    await context.close();
  });

  it('fits a phone: four tabs and a More menu reach every page, none scrolls sideways', async () => {
    const { context, page, console } = await open(PHONE);
    // The same account, after the desktop run: wait out its rate window if it is nearly spent.
    await page.goto('/login');
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    const budget = await page.request.get('/api/v1/businesses');
    const remaining = Number(budget.headers()['x-ratelimit-remaining']);
    if (remaining < 30) {
      const reset = Number(budget.headers()['x-ratelimit-reset']);
      await page.waitForTimeout((reset + 1) * 1000);
      await page.reload();
    }
    await page.getByRole('heading', { name: 'Recent calls' }).waitFor();
    await shot(page, 'overview-phone');

    const tabs = page.getByRole('navigation', { name: 'Main' });
    await tabs.getByRole('button', { name: 'More' }).click();
    await tabs.getByRole('link', { name: 'Webhooks' }).filter({ visible: true }).waitFor();
    await shot(page, 'more-menu-phone');
    await page.keyboard.press('Escape');
    await expect
      .poll(() => tabs.getByRole('button', { name: 'More' }).getAttribute('aria-expanded'))
      .toBe('false');

    await nav(page, 'Calls');
    await page.getByRole('row', { name: /\+15005550006/ }).waitFor();
    await shot(page, 'calls-phone');
    await page.getByRole('button', { name: 'Test call' }).first().click();
    await page.getByRole('dialog', { name: 'Test call' }).waitFor();
    await shot(page, 'test-call-dialog-phone');
    await page.keyboard.press('Escape');
    await page
      .getByRole('row', { name: /\+15005550006/ })
      .getByRole('link')
      .click();
    await page.getByRole('list', { name: 'Call status timeline' }).waitFor();
    await shot(page, 'call-detail-phone');
    await page.getByRole('link', { name: 'Conversation', exact: true }).click();
    await page.locator('.turn-agent').first().waitFor();
    await shot(page, 'conversation-detail-phone');

    await nav(page, 'Agents');
    await page.getByRole('row', { name: /Reminders/ }).waitFor();
    await shot(page, 'agents-phone');
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('dialog', { name: 'Edit Reminders' }).waitFor();
    await shot(page, 'agent-dialog-phone');
    await page.keyboard.press('Escape');

    await nav(page, 'Conversations');
    await page.getByRole('row').nth(1).waitFor();
    await shot(page, 'conversations-phone');

    await nav(page, 'Webhooks');
    await page.getByRole('link', { name: 'Deliveries' }).waitFor();
    await shot(page, 'webhooks-phone');
    await page.getByRole('link', { name: 'Deliveries' }).click();
    await page
      .getByRole('row', { name: /delivered/ })
      .first()
      .waitFor();
    await shot(page, 'deliveries-phone');

    await nav(page, 'Telephony');
    await page.getByRole('radio', { name: /Simulator/ }).waitFor();
    await shot(page, 'telephony-phone');

    await nav(page, 'Usage & billing');
    await page.locator('.chart canvas').first().waitFor();
    await shot(page, 'usage-phone');

    expect(console).toEqual([]);
    await context.close();
  });
});
