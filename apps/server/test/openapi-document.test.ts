import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG } from '../src/http/errors.js';
import { EVENT_TYPES } from '../src/webhooks/outbox.js';
import { startTestApp, type TestApp } from './helpers/harness.js';
import { documentValidator, type Json, operations } from './helpers/openapi.js';

const ROOT = resolve(import.meta.dirname, '../../..');
let t: TestApp;
let doc: Json;

beforeAll(async () => {
  t = await startTestApp();
  doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json();
});

afterAll(async () => {
  await t?.close();
});

describe('the OpenAPI document as a product', () => {
  it('passes redocly lint with zero errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iqra-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const bin = join(ROOT, 'node_modules/.bin/redocly');
      // The CLI exits non-zero on any error; warnings (e.g. /healthz has no 4xx) are allowed.
      const run = await promisify(execFile)(bin, ['lint', file, '--format=json'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      }).catch((e: { stdout: string }) => e);
      const report = JSON.parse(run.stdout) as { totals: { errors: number } };
      expect(report.totals.errors, run.stdout.slice(0, 2000)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every operation with a unique operationId', () => {
    const ids = operations(doc).map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/api/v1/businesses/{businessId}/calls'].post.operationId).toBe('createCall');
    expect(
      doc.paths['/api/v1/businesses/{businessId}/webhooks/{webhookId}/deliveries'].get.operationId,
    ).toBe('listWebhookDeliveries');
  });

  it('has servers, public routes without security, and sessions with the CSRF header', () => {
    expect(doc.servers).toEqual([{ url: t.config.publicUrl, description: 'This server' }]);
    expect(doc.paths['/auth/signup'].post.security).toEqual([]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.components.securitySchemes.CsrfToken).toMatchObject({ in: 'header' });
    expect(doc.paths['/api/v1/businesses'].post.security).toEqual([
      { ApiKey: [] },
      { Session: [], CsrfToken: [] },
    ]);
    expect(doc.paths['/api/v1/businesses'].get.security).toEqual([{ ApiKey: [] }, { Session: [] }]);
  });

  it('names the resource schemas and references them', () => {
    const names = ['Business', 'ApiKey', 'Call', 'Conversation', 'ConversationSummary', 'Agent'];
    names.push('WebhookEndpoint', 'WebhookDelivery', 'UsageRecord', 'Billing', 'User', 'Session');
    names.push('Whitelabel', 'Telephony', 'Problem');
    for (const name of names) expect(doc.components.schemas[name], name).toBeDefined();
    const get = doc.paths['/api/v1/businesses/{businessId}'].get.responses['200'];
    expect(get.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Business',
    });
    expect(get.description).not.toBe('Default Response');
  });

  it('catalogues every error code: enum on Problem, served page, docs/errors.md', async () => {
    const codes = Object.keys(ERROR_CATALOG);
    expect(doc.components.schemas.Problem.properties.code.enum).toEqual(codes);
    const page = await t.app.inject({ url: '/docs/errors' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const markdown = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
    for (const code of codes) {
      expect(page.body).toContain(`id="${code}"`);
      expect(markdown).toContain(`<a id="${code}"></a>\`${code}\``);
    }
    // A problem's type is a link into that page.
    const problem = (await t.app.inject({ url: '/api/v1/businesses' })).json();
    expect(problem.type).toBe('/docs/errors#not_authenticated');
  });

  it('documents the headers and the statuses that really occur', () => {
    const signup = doc.paths['/auth/signup'].post.responses;
    expect(Object.keys(signup)).toEqual(
      expect.arrayContaining(['201', '400', '409', '415', '429']),
    );
    expect(Object.keys(doc.paths['/auth/login'].post.responses)).toContain('401');
    const create = doc.paths['/api/v1/businesses/{businessId}/calls'].post.responses;
    expect(Object.keys(create['201'].headers)).toEqual(
      expect.arrayContaining(['X-Request-Id', 'X-RateLimit-Limit', 'Idempotent-Replayed']),
    );
    expect(Object.keys(create['429'].headers)).toContain('Retry-After');
    expect(Object.keys(create['401'].headers)).toContain('WWW-Authenticate');
    expect(create['401'].headers).not.toHaveProperty('X-RateLimit-Limit');
  });

  it('types the payload of every webhook event', () => {
    expect(Object.keys(doc.webhooks)).toEqual([...EVENT_TYPES]);
    const v = documentValidator(doc);
    const payload = (type: string) => [
      'webhooks',
      type,
      'post',
      'requestBody',
      'content',
      'application/json',
      'schema',
    ];
    const ended = v.schema(...payload('conversation.ended'));
    expect(ended({ type: 'conversation.ended', timestamp: '2026-01-01T00:00:00Z', data: {} })).toBe(
      false,
    );
    expect(v.schema(...payload('call.queued'))({ type: 'call.failed' })).toBe(false);
  });

  it('gives request examples that are valid as sent', () => {
    const v = documentValidator(doc);
    let checked = 0;
    for (const { path, method, op } of operations(doc)) {
      const media = op.requestBody?.content?.['application/json'];
      const examples = [
        ...(media?.example !== undefined ? [media.example] : []),
        ...Object.values((media?.examples ?? {}) as Json).map((e) => e.value),
      ];
      for (const example of examples) {
        const validate = v.requestBody(path, method);
        expect(validate(example), `${method} ${path}: ${JSON.stringify(validate.errors)}`).toBe(
          true,
        );
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2);
  });
});
