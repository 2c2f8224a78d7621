import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsHeaders } from '../src/http/openapi.js';
import { startTestApp, type TestApp } from './helpers/harness.js';

/** /docs is where people paste keys: no framing, no foreign script, no referrer. */
describe('/docs security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('the reference page cannot be framed and sends no referrer', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
  });

  it('runs only its own bundle and the exact inline start-up script it was served with', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    const inline = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(res.body)?.[1];
    expect(inline).toContain('createApiReference');
    const hash = createHash('sha256')
      .update(inline ?? '')
      .digest('base64');
    const scriptSrc = String(res.headers['content-security-policy'])
      .split('; ')
      .find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe(`script-src 'self' 'sha256-${hash}'`);
    expect(scriptSrc).not.toContain('unsafe-inline');
  });

  it('the redirect and the bundle carry the headers too', async () => {
    for (const url of ['/docs', '/docs/js/scalar.js']) {
      const res = await t.app.inject({ url });
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(String(res.headers['content-security-policy']), url).toContain(
        "frame-ancestors 'none'",
      );
    }
  });

  it('other routes are not given the docs policy', async () => {
    const res = await t.app.inject({ url: '/api/v1/openapi.json' });
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('an injected inline script would not match the pinned hash', () => {
    const served = docsHeaders('<script>start()</script>')['content-security-policy'];
    const tampered = docsHeaders('<script>start();steal()</script>')['content-security-policy'];
    expect(served).not.toBe(tampered);
    expect(
      docsHeaders('<script src="js/scalar.js"></script>')['content-security-policy'],
    ).toContain("script-src 'self';");
  });
});
