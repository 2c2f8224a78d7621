import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleEntry,
  callWithKey,
  DESKTOP,
  launchBrowser,
  newContext,
  PHONE,
  type Server,
  screenshot,
  startServer,
  watchConsole,
} from './harness.js';

/**
 * The key lifecycle of issue 9 in Chromium: permissions presets and an allowlist, usage and the
 * audit trail in the detail panel, roll, revoke with descendants, the security log and the key
 * policy, with screenshots at 1280×800 and 390×844.
 */

const PASSWORD = 'correct horse battery';
const KEY_SHAPE = /^iqra_sk_[0-9A-Za-z]{38}$/;

let server: Server;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}

async function open(viewport: typeof DESKTOP): Promise<{
  context: BrowserContext;
  page: Page;
  console: ConsoleEntry[];
}> {
  const context = await newContext(browser, server.origin, viewport);
  const page = await context.newPage();
  return { context, page, console: watchConsole(page) };
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

/** On a phone, pages other than the four tabs sit under "More". */
async function nav(page: Page, name: string) {
  const main = page.getByRole('navigation', { name: 'Main' });
  const link = main.getByRole('link', { name, exact: true });
  if (!(await link.isVisible())) await main.getByRole('button', { name: 'More' }).click();
  await main.getByRole('link', { name, exact: true }).filter({ visible: true }).click();
}

async function keyFromReveal(page: Page): Promise<string> {
  const reveal = page.getByRole('alertdialog', { name: 'Save your API key' });
  await reveal.waitFor();
  const key = await reveal.getByLabel('API key').inputValue();
  expect(key).toMatch(KEY_SHAPE);
  return key;
}

async function closeReveal(page: Page) {
  const reveal = page.getByRole('alertdialog', { name: 'Save your API key' });
  await reveal.getByRole('button', { name: 'I have copied it' }).click();
  await reveal.waitFor({ state: 'detached' });
}

describe('key lifecycle in Chromium', () => {
  it('creates a read-only allowlisted key, shows its usage, rolls it, revokes with descendants, and sets the policy', async () => {
    const email = uniqueEmail('keys');
    const { context, page, console } = await open(DESKTOP);
    const origin = server.origin;

    // Sign up and create a business.
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    await nav(page, 'Businesses');
    await page.getByRole('button', { name: 'New business' }).first().click();
    const newBusiness = page.getByRole('dialog', { name: 'New business' });
    await newBusiness.getByLabel('Name').fill('Dental Clinic');
    await newBusiness.getByRole('button', { name: 'Create business' }).click();
    await newBusiness.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /Dental Clinic/ }).waitFor();

    // Add API Key: "Read only" preset and an allowlist entry.
    await nav(page, 'API keys');
    await page.getByRole('heading', { name: 'No API keys yet' }).waitFor();
    const addKey = page.getByRole('button', { name: 'Add API Key' }).first();
    await addKey.click();
    const dialog = page.getByRole('dialog', { name: 'Add API key' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Reporting');
    const readOnly = dialog.getByRole('button', { name: 'Read only' });
    await readOnly.click();
    expect(await readOnly.getAttribute('aria-pressed')).toBe('true');
    expect(await dialog.getByRole('radio', { name: 'Calls: Read' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('radio', { name: 'Webhooks: Write' }).isChecked()).toBe(false);
    await dialog.getByLabel('IP allowlist (optional)').fill('127.0.0.1');
    await dialog.getByText('1 of at most 100 entries.', { exact: false }).waitFor();
    await dismissToasts(page);
    await screenshot(page, 'keys-create-dialog');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const reading = await keyFromReveal(page);
    await dialog.waitFor({ state: 'detached' });
    await screenshot(page, 'keys-shown-once');
    await closeReveal(page);

    // The table: permissions summary and the allowlist badge.
    const row = page.getByRole('row', { name: /Reporting/ });
    await row.getByText('Read only').waitFor();
    await row.getByText('1 IP range').waitFor();
    expect(await row.getByText('1 IP range').getAttribute('title')).toBe('127.0.0.1');

    // Used once from 127.0.0.1: reading works, writing is refused by the permissions.
    const listed = await callWithKey(origin, reading);
    expect(listed.status).toBe(200);
    const business = (listed.body.data as { id: string; name: string }[])[0];
    expect(business?.name).toBe('Dental Clinic');

    // The detail panel: usage chart and audit trail.
    await row.getByRole('button', { name: 'Details of Reporting' }).click();
    const detail = page.getByRole('dialog', { name: 'Reporting' });
    await detail.waitFor();
    await detail.locator('.chart canvas').first().waitFor();
    await detail.getByText(/^1 requests · 0 rejected/).waitFor();
    await detail.getByText('api_key.created').waitFor();
    await detail.getByText('Read only').waitFor();
    await detail.getByText('127.0.0.1', { exact: true }).waitFor();
    await dismissToasts(page);
    await screenshot(page, 'keys-detail-panel');
    await page.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });

    // Roll with overlap "Now": a new key shown once; the old one stops working.
    await row.getByRole('button', { name: 'Roll Reporting' }).click();
    const roll = page.getByRole('dialog', { name: 'Roll “Reporting”?' });
    await roll.waitFor();
    await roll.getByRole('radio', { name: 'Now' }).check();
    await screenshot(page, 'keys-roll-dialog');
    await roll.getByRole('button', { name: 'Roll key' }).click();
    const rolled = await keyFromReveal(page);
    expect(rolled).not.toBe(reading);
    await closeReveal(page);
    await page.getByRole('button', { name: /^Rolled to Reporting/ }).waitFor();
    await page.getByRole('button', { name: /^Rolled from Reporting/ }).waitFor();
    expect((await callWithKey(origin, reading)).status).toBe(401);
    expect((await callWithKey(origin, rolled)).status).toBe(200);

    // A user-management key, which mints a child through the API.
    await addKey.click();
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Ops automation');
    await dialog.getByRole('switch', { name: /User management/ }).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const ops = await keyFromReveal(page);
    await closeReveal(page);
    const minted = await fetch(`${origin}/api/v1/user/api-keys`, {
      method: 'POST',
      headers: { authorization: `Token ${ops}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Minted by ops',
        businessScope: { type: 'restricted', businessIds: [business?.id] },
      }),
    });
    expect(minted.status).toBe(201);
    const child = ((await minted.json()) as { key: string }).key;
    await page.reload();
    const opsRow = page.getByRole('row', { name: /Ops automation/ });
    const childRow = page.getByRole('row', { name: /Minted by ops/ });
    await childRow.waitFor();
    await dismissToasts(page);
    await page.mouse.move(0, 0);
    await screenshot(page, 'keys-table');

    // Revoke the parent with "Also revoke these keys it created" checked: both are revoked.
    await opsRow.getByRole('button', { name: 'Revoke Ops automation' }).click();
    const revoke = page.getByRole('alertdialog', { name: 'Revoke “Ops automation”?' });
    await revoke.waitFor();
    const cascade = revoke.getByRole('checkbox', { name: 'Also revoke these keys it created' });
    expect(await cascade.isChecked()).toBe(true);
    await revoke.getByText('Minted by ops').waitFor();
    await screenshot(page, 'keys-revoke-dialog');
    await revoke.getByRole('button', { name: 'Revoke 2 keys' }).click();
    await revoke.waitFor({ state: 'detached' });
    await opsRow.getByText('Revoked', { exact: true }).waitFor();
    await childRow.getByText('Revoked — with the key that made it').waitFor();
    expect((await callWithKey(origin, ops)).status).toBe(401);
    expect((await callWithKey(origin, child)).status).toBe(401);

    // The security log lists the revocations.
    await nav(page, 'Security log');
    await page.getByRole('heading', { name: 'Security log' }).waitFor();
    await page.getByLabel('Action').selectOption('api_key.revoked');
    const revokedRows = page.getByRole('row').filter({ hasText: 'api_key.revoked' });
    await revokedRows.first().waitFor();
    expect(await revokedRows.count()).toBeGreaterThanOrEqual(2);
    await page.getByLabel('Action').selectOption('');
    await page.getByRole('row').filter({ hasText: 'api_key.rolled' }).first().waitFor();
    await screenshot(page, 'security-log');

    // Account: the key policy card; a maximum lifetime is saved.
    await nav(page, 'Account');
    const policy = page.getByRole('region', { name: 'API key policy' });
    await policy.waitFor();
    await policy.getByLabel('Maximum key lifetime (days)').fill('90');
    await policy.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Key policy saved. It applies to keys created from now on.').waitFor();
    await dismissToasts(page);
    await policy.scrollIntoViewIfNeeded();
    await screenshot(page, 'key-policy');
    await page.reload();
    await expect.poll(() => page.getByLabel('Maximum key lifetime (days)').inputValue()).toBe('90');

    expect(console).toEqual([]);
    await context.close();

    // The same screens on a phone.
    const phone = await open(PHONE);
    const p = phone.page;
    await p.goto('/login');
    await p.getByLabel('Email').fill(email);
    await p.getByLabel('Password').fill(PASSWORD);
    await p.getByRole('button', { name: 'Log in' }).click();
    await p.getByRole('heading', { name: 'Welcome, Ada' }).waitFor();
    await nav(p, 'API keys');
    const phoneRow = p.getByRole('row', { name: /Reporting/ }).filter({ hasText: 'Active' });
    await phoneRow.waitFor();
    await screenshot(p, 'keys-table-phone');

    await p.getByRole('button', { name: 'Add API Key' }).first().click();
    const phoneDialog = p.getByRole('dialog', { name: 'Add API key' });
    await phoneDialog.getByRole('button', { name: 'Read only' }).click();
    await phoneDialog.getByLabel('IP allowlist (optional)').fill('127.0.0.1');
    await phoneDialog.getByLabel('IP allowlist (optional)').scrollIntoViewIfNeeded();
    await screenshot(p, 'keys-create-dialog-phone');
    await phoneDialog.getByRole('button', { name: 'Cancel' }).click();
    await phoneDialog.waitFor({ state: 'detached' });

    await phoneRow.getByRole('button', { name: 'Details of Reporting' }).click();
    const phoneDetail = p.getByRole('dialog', { name: 'Reporting' });
    await phoneDetail.locator('.chart canvas').first().waitFor();
    await phoneDetail.locator('.audit-list li').first().waitFor();
    await screenshot(p, 'keys-detail-panel-phone');
    await p.keyboard.press('Escape');
    await phoneDetail.waitFor({ state: 'detached' });

    await phoneRow.getByRole('button', { name: 'Roll Reporting' }).click();
    const phoneRoll = p.getByRole('dialog', { name: 'Roll “Reporting”?' });
    await phoneRoll.waitFor();
    await screenshot(p, 'keys-roll-dialog-phone');
    await phoneRoll.getByRole('button', { name: 'Cancel' }).click();
    await phoneRoll.waitFor({ state: 'detached' });

    await phoneRow.getByRole('button', { name: 'Revoke Reporting' }).click();
    const phoneRevoke = p.getByRole('alertdialog', { name: 'Revoke “Reporting”?' });
    await phoneRevoke.waitFor();
    await screenshot(p, 'keys-revoke-dialog-phone');
    await phoneRevoke.getByRole('button', { name: 'Cancel' }).click();
    await phoneRevoke.waitFor({ state: 'detached' });

    await nav(p, 'Security log');
    await p.getByRole('row').filter({ hasText: 'api_key.revoked' }).first().waitFor();
    await screenshot(p, 'security-log-phone');

    await nav(p, 'Account');
    const phonePolicy = p.getByRole('region', { name: 'API key policy' });
    await expect
      .poll(() => phonePolicy.getByLabel('Maximum key lifetime (days)').inputValue())
      .toBe('90');
    await phonePolicy.scrollIntoViewIfNeeded();
    await screenshot(p, 'key-policy-phone');
    const overflow = await p.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);

    expect(phone.console).toEqual([]);
    await phone.context.close();
  });
});
