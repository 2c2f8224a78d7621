import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../server/test/helpers/harness.js';

/** The built dashboard (`npm run build`), served by the real server. */
export const DIST = fileURLToPath(new URL('../dist', import.meta.url));
/** Git-ignored (`artifacts/`). */
export const SCREENSHOTS = fileURLToPath(
  new URL('../../../artifacts/screenshots', import.meta.url),
);

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface Server {
  t: TestApp;
  origin: string;
  close(): Promise<void>;
}

/**
 * The real app on a temporary SQLite file, listening on a free port and serving the built
 * dashboard, with the default budget of 60 requests per minute (the dashboard must stay frugal).
 */
export async function startServer(): Promise<Server> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(`The dashboard is not built (${DIST}). Run \`npm run build\` first.`);
  }
  const t = await startTestApp({
    sqliteFile: true,
    config: { dashboardDir: DIST, rateLimitPerMinute: 60 },
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  return { t, origin: `http://127.0.0.1:${port}`, close: () => t.close() };
}

/** Debian's Chromium; nothing is downloaded (shared with the server's browser tests). */
export { launchChromium as launchBrowser } from '../../server/test/helpers/browser.js';

export async function newContext(
  browser: Browser,
  origin: string,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  const phone = viewport.width < 600;
  const context = await browser.newContext({
    viewport,
    baseURL: origin,
    locale: 'en-US',
    timezoneId: 'Europe/Berlin',
    ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return context;
}

export interface ConsoleEntry {
  text: string;
  url: string;
}

/** Every console error and uncaught exception of the page. */
export function watchConsole(page: Page): ConsoleEntry[] {
  const entries: ConsoleEntry[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      entries.push({ text: `${message.type()}: ${message.text()}`, url: message.location().url });
    }
  });
  page.on('pageerror', (error) => entries.push({ text: `pageerror: ${error.message}`, url: '' }));
  return entries;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

/** Calls the API from the test, as a script holding the key would. */
export async function callWithKey(origin: string, key: string, path = '/api/v1/businesses') {
  const response = await fetch(`${origin}${path}`, { headers: { authorization: `Token ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Where a string is in React's fiber tree (props, hook state and update queues of every fiber, in
 * both of React's buffers), as a path for the failure message; null when it is nowhere.
 */
export function findInReactTree(page: Page, needle: string): Promise<string | null> {
  return page.evaluate((text) => {
    const root = document.getElementById('root');
    if (!root) return null;
    const containerKey = Object.keys(root).find((k) => k.startsWith('__reactContainer$'));
    if (!containerKey) throw new Error('No React root found.');
    const seen = new WeakSet<object>();
    const find = (value: unknown, path: string, depth: number): string | null => {
      if (typeof value === 'string') return value.includes(text) ? path : null;
      if (value === null || typeof value !== 'object' || depth > 200) return null;
      if (seen.has(value) || value instanceof Node) return null;
      seen.add(value);
      for (const k of Object.keys(value)) {
        if (k === '_owner' || k === 'return' || k === '_debugOwner') continue;
        const hit = find((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
        if (hit) return hit;
      }
      return null;
    };
    type Fiber = {
      child: Fiber | null;
      sibling: Fiber | null;
      alternate: Fiber | null;
      type: unknown;
      memoizedProps: unknown;
      memoizedState: unknown;
      pendingProps: unknown;
      updateQueue: unknown;
    };
    const nameOf = (fiber: Fiber) =>
      typeof fiber.type === 'function'
        ? (fiber.type as { name: string }).name
        : typeof fiber.type === 'string'
          ? fiber.type
          : 'fiber';
    const start = (root as unknown as Record<string, Fiber>)[containerKey];
    const stack: (Fiber | null | undefined)[] = [start];
    const visited = new WeakSet<object>();
    while (stack.length > 0) {
      const fiber = stack.pop();
      if (!fiber || visited.has(fiber)) continue;
      visited.add(fiber);
      const parts = {
        memoizedProps: fiber.memoizedProps,
        memoizedState: fiber.memoizedState,
        pendingProps: fiber.pendingProps,
        updateQueue: fiber.updateQueue,
      };
      for (const [name, part] of Object.entries(parts)) {
        const hit = find(part, `${nameOf(fiber)}.${name}`, 0);
        if (hit) return hit;
      }
      stack.push(fiber.child, fiber.sibling, fiber.alternate);
    }
    return null;
  }, needle);
}
