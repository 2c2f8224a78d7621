import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleEntry,
  callWithKey,
  DESKTOP,
  findInReactTree,
  launchBrowser,
  newContext,
  PHONE,
  type Server,
  screenshot,
  startServer,
  watchConsole,
} from './harness.js';

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

async function signUpThroughTheForm(page: Page, name: string, email: string) {
  await page.goto('/');
  await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: `Welcome, ${name.split(' ')[0]}` }).waitFor();
}

/** Clears the notifications (they would also go by themselves after 5 s) before a picture. */
async function dismissToasts(page: Page) {
  const buttons = page.getByRole('button', { name: 'Dismiss notification' });
  while ((await buttons.count()) > 0) {
    // One may leave by itself between the count and the click.
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

async function createBusiness(page: Page, name: string) {
  await page.getByRole('button', { name: 'New business' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New business' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create business' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('row', { name: new RegExp(name) }).waitFor();
}

describe('dashboard in Chromium (1280×800)', () => {
  it('signs up, creates businesses, mints a restricted key shown once, and revokes it', async () => {
    const { context, page, console } = await open(DESKTOP);
    const origin = server.origin;

    // Sign up, with inline validation first.
    await page.goto('/signup');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Enter your name.').waitFor();
    await page.getByText('Enter your email address.').waitFor();
    await page.getByText('Choose a password.').waitFor();
    await signUpThroughTheForm(page, 'Ada Lovelace', uniqueEmail('ada'));

    // Two businesses.
    await nav(page, 'Businesses');
    await page.getByRole('heading', { name: 'No businesses yet' }).waitFor();
    await createBusiness(page, 'Dental Clinic');
    await createBusiness(page, 'Corner Bakery');
    const switcher = page.getByLabel('Current business');
    expect(await switcher.locator('option').allTextContents()).toEqual([
      'Corner Bakery',
      'Dental Clinic',
    ]);
    await dismissToasts(page);
    await screenshot(page, 'businesses');
    expect(await switcher.inputValue()).toBe(
      await page
        .getByRole('row', { name: /Dental Clinic/ })
        .locator('code')
        .textContent(),
    );

    // The keys tab starts empty; the dialog is keyboard-operable and preselects least privilege.
    await nav(page, 'API keys');
    await page.getByRole('heading', { name: 'No API keys yet' }).waitFor();
    const addKey = page.getByRole('button', { name: 'Add API Key' }).first();
    await addKey.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Add API key' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Name').evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await addKey.evaluate((el) => el === document.activeElement)).toBe(true);

    await addKey.click();
    await dialog.waitFor();
    expect(await dialog.getByRole('radio', { name: 'Restricted', exact: true }).isChecked()).toBe(
      true,
    );
    expect(await dialog.getByRole('radio', { name: 'Unrestricted', exact: true }).isChecked()).toBe(
      false,
    );
    expect(await dialog.getByRole('switch', { name: /User management/ }).isChecked()).toBe(false);
    expect(await dialog.getByRole('checkbox', { name: 'Dental Clinic' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('checkbox', { name: 'Corner Bakery' }).isChecked()).toBe(false);

    // Validation: a name is required; restricted needs a business.
    await dialog.getByRole('checkbox', { name: 'Dental Clinic' }).uncheck();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('Give the key a name').waitFor();
    await dialog.getByText('Choose at least one business.').waitFor();
    await dialog.getByRole('checkbox', { name: 'Dental Clinic' }).check();
    await dialog.getByLabel('Name').fill('Zapier Integration - Dental Clinic');
    await dialog.getByLabel('Expiration').selectOption('90');
    await dialog.getByText(/The key stops working on/).waitFor();
    await screenshot(page, 'create-key-dialog');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    // Shown once: read it from the field and from the clipboard.
    const reveal = page.getByRole('alertdialog', { name: 'Save your API key' });
    await reveal.waitFor();
    await dialog.waitFor({ state: 'detached' });
    const key = await reveal.getByLabel('API key').inputValue();
    expect(key).toMatch(KEY_SHAPE);
    await reveal.getByText('This key will not be shown again').waitFor();
    await reveal.getByRole('button', { name: 'Copy', exact: true }).click();
    await reveal.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    await reveal.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await page.keyboard.press('Escape');
    expect(await reveal.isVisible()).toBe(true);
    await screenshot(page, 'shown-once-dialog');

    // The key works, restricted to one business.
    const allowed = await callWithKey(origin, key);
    expect(allowed.status).toBe(200);
    const data = allowed.body.data as { name: string }[];
    expect(data.map((b) => b.name)).toEqual(['Dental Clinic']);

    // Closed, the key is gone from the DOM, from storage and from React's state.
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(key);
    const storage = await page.evaluate(() =>
      JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie]),
    );
    expect(storage).not.toContain(key);
    expect(await findInReactTree(page, key)).toBeNull();
    // The search itself works: the key's name is in the table's props.
    expect(await findInReactTree(page, 'Zapier Integration - Dental Clinic')).not.toBeNull();

    // The row, then a second key with user management for the table's variety.
    const row = page.getByRole('row', { name: /Zapier Integration - Dental Clinic/ });
    await row.getByText('Dental Clinic', { exact: true }).waitFor();
    await row.getByText(`${key.slice(0, 12)}…${key.slice(-4)}`).waitFor();
    await row.getByText('Never').waitFor();
    await row.getByText('Active').waitFor();

    await addKey.click();
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill('Ops automation');
    await dialog.getByRole('radio', { name: 'Unrestricted', exact: true }).check();
    expect(await dialog.getByRole('checkbox', { name: 'Dental Clinic' }).count()).toBe(0);
    await dialog.getByRole('switch', { name: /User management/ }).check();
    await dialog
      .getByText('This key will be able to create more keys.', { exact: false })
      .waitFor();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    const second = await reveal.getByLabel('API key').inputValue();
    expect(second).toMatch(KEY_SHAPE);
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await reveal.waitFor({ state: 'detached' });
    const opsRow = page.getByRole('row', { name: /Ops automation/ });
    await opsRow.getByText('User management').first().waitFor();
    await opsRow.getByText('All businesses').waitFor();

    // Revoke, confirming by name: the row says Revoked at once and the key stops working.
    await row.getByRole('button', { name: 'Revoke Zapier Integration - Dental Clinic' }).click();
    const confirm = page.getByRole('alertdialog', {
      name: 'Revoke “Zapier Integration - Dental Clinic”?',
    });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await confirm.waitFor({ state: 'detached' });
    await row.getByText('Revoked').waitFor();
    expect(await row.getByRole('button', { name: /Revoke/ }).count()).toBe(0);
    const refused = await callWithKey(origin, key);
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toBe('Invalid token.');

    // Search and the revoked filter.
    await page.getByLabel('Status').selectOption('revoked');
    expect(await page.getByRole('row', { name: /Ops automation/ }).count()).toBe(0);
    await page.getByLabel('Status').selectOption('all');
    await page.getByLabel('Search keys by name').fill('ops');
    expect(await row.count()).toBe(0);
    await opsRow.waitFor();
    await page.getByLabel('Search keys by name').fill('');
    await page.getByLabel('Search keys by name').blur();
    await page.mouse.move(0, 0);
    const tableOverflow = await page
      .locator('.table-wrap')
      .evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(tableOverflow).toBe(0);
    await dismissToasts(page);
    await screenshot(page, 'keys-table');

    // White label: the dashboard takes on the brand at once, and after a reload.
    await nav(page, 'Account');
    await page.getByLabel('Brand name').fill('Acme Voice');
    await page.getByRole('textbox', { name: 'Primary colour', exact: true }).fill('#0f766e');
    await page.getByRole('button', { name: 'Save white label' }).click();
    await page.getByText('White-label settings saved.').waitFor();
    expect(await page.getByTestId('brand-name').textContent()).toBe('Acme Voice');
    const primary = () =>
      page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim(),
      );
    expect(await primary()).toBe('#0f766e');
    await page.reload();
    await page.getByTestId('brand-name').getByText('Acme Voice').waitFor();
    expect(await primary()).toBe('#0f766e');
    expect(await page.title()).toBe('Account · Acme Voice');
    await screenshot(page, 'account-white-label');

    // Profile name.
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Ada King');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await page.locator('.sidebar-user-name').getByText('Ada King').waitFor();

    // The reference is one click away; logging out returns to the login page.
    expect(await page.getByRole('link', { name: 'API reference' }).getAttribute('href')).toBe(
      '/docs',
    );
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();

    expect(console).toEqual([]);
    await context.close();
  });

  it('shows a clear message for a wrong password and inline errors from the API', async () => {
    const email = uniqueEmail('grace');
    const signup = await fetch(`${server.origin}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, name: 'Grace Hopper' }),
    });
    expect(signup.status).toBe(201);

    const { context, page, console } = await open(DESKTOP);
    await page.goto('/login');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Enter your email address.').waitFor();
    await page.getByText('Enter your password.').waitFor();

    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').getByText('Incorrect email or password.').waitFor();
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await screenshot(page, 'login-wrong-password');

    // The server's answer for a taken email lands on the email field.
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Name').fill('Someone Else');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('An account with this email already exists.').waitFor();

    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Grace' }).waitFor();
    await page.getByRole('heading', { name: 'Get started' }).waitFor();
    await page.locator('.stat-value').first().waitFor();
    await screenshot(page, 'overview');

    // The only console lines are Chromium's own notes of the two refused requests.
    expect(console.map((entry) => new URL(entry.url, server.origin).pathname)).toEqual([
      '/auth/login',
      '/auth/signup',
    ]);
    expect(console.every((entry) => /status of (401|409)/.test(entry.text))).toBe(true);
    await context.close();
  });
});

describe('dashboard in Chromium (390×844 phone)', () => {
  it('guides a new account to its first business from the key dialog, and fits the screen', async () => {
    const { context, page, console } = await open(PHONE);
    await signUpThroughTheForm(page, 'Linus Phone', uniqueEmail('phone'));

    await nav(page, 'API keys');
    await page.getByRole('heading', { name: 'No API keys yet' }).waitFor();
    await page.getByRole('button', { name: 'Add API Key' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add API key' });
    await dialog.getByText('You have no businesses yet.', { exact: false }).waitFor();
    await dialog.getByLabel('New business name').fill('Harbour Pharmacy');
    await dialog.getByRole('button', { name: 'Create business' }).click();
    await dialog.getByRole('checkbox', { name: 'Harbour Pharmacy' }).waitFor();
    expect(await dialog.getByRole('checkbox', { name: 'Harbour Pharmacy' }).isChecked()).toBe(true);
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Pharmacy reminders');
    await dialog.getByLabel('Expiration').selectOption('date');
    const future = new Date(Date.now() + 45 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await dialog.getByLabel('Expiration date').fill(future);
    await screenshot(page, 'create-key-dialog-phone');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const reveal = page.getByRole('alertdialog', { name: 'Save your API key' });
    const key = await reveal.getByLabel('API key').inputValue();
    expect(key).toMatch(KEY_SHAPE);
    await screenshot(page, 'shown-once-dialog-phone');
    await reveal.getByRole('button', { name: 'I have copied it' }).click();
    await reveal.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(key);

    const row = page.getByRole('row', { name: /Pharmacy reminders/ });
    await row.getByText('Harbour Pharmacy').waitFor();
    await dismissToasts(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    await screenshot(page, 'keys-table-phone');

    const listed = await callWithKey(server.origin, key);
    expect((listed.body.data as { name: string }[]).map((b) => b.name)).toEqual([
      'Harbour Pharmacy',
    ]);
    expect(console).toEqual([]);
    await context.close();
  });
});
