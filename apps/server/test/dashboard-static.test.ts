import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../src/dashboard/static.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('dashboard static files', () => {
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iqra-dashboard-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>Iqra</title><div id="root"></div>',
    );
    writeFileSync(join(dir, 'assets', 'index-3f9aB2.js'), 'console.log(1);');
    writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await startTestApp({ config: { dashboardDir: dir } });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache and the CSP', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(res.body).toContain('<div id="root">');
  });

  it('serves hashed assets with a year-long immutable cache', async () => {
    const res = await t.app.inject({ url: '/assets/index-3f9aB2.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const head = await t.app.inject({ method: 'HEAD', url: '/assets/index-3f9aB2.js' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
  });

  it('serves other files with a short cache', async () => {
    const res = await t.app.inject({ url: '/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('answers client-side routes that accept HTML with index.html (SPA fallback)', async () => {
    for (const url of ['/keys', '/businesses?x=1', '/account/settings']) {
      const res = await t.app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
    const head = await t.app.inject({ method: 'HEAD', url: '/keys', headers: HTML });
    expect(head.statusCode).toBe(200);
  });

  it('keeps the JSON 404 for unknown files and for requests that do not want HTML', async () => {
    for (const url of ['/keys', '/assets/missing.js']) {
      const res = await t.app.inject({ url, headers: { accept: 'application/json' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('never shadows API and service paths, even for a browser', async () => {
    for (const url of [
      '/api/v1/nope',
      '/api',
      '/api/v2/businesses',
      '/auth/nope',
      '/docs/nope/x',
    ]) {
      const res = await t.app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 404, code: 'not_found', detail: 'Not found.' });
    }
    const health = await t.app.inject({ url: '/healthz', headers: HTML });
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz', headers: HTML });
    expect(ready.json()).toEqual({ status: 'ok' });
    const docs = await t.app.inject({ url: '/docs/', headers: HTML });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).not.toContain('<div id="root">');
    expect(docs.headers['content-security-policy']).not.toBe(DASHBOARD_CSP);
    const api = await t.app.inject({ url: '/api/v1/businesses', headers: HTML });
    expect(api.statusCode).toBe(401);
  });

  it('does not let a request path reach outside the dashboard folder', async () => {
    for (const url of [
      '/../package.json',
      '/assets/../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
    ]) {
      const res = await t.app.inject({ url, headers: { accept: 'application/json' } });
      expect(res.statusCode, url).toBe(404);
    }
  });
});

describe('dashboard not built', () => {
  it('registers nothing: / answers the JSON 404', async () => {
    const t = await startTestApp({ config: { dashboardDir: join(tmpdir(), 'iqra-no-such-dir') } });
    try {
      const res = await t.app.inject({ url: '/', headers: HTML });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await t.close();
    }
  });
});
