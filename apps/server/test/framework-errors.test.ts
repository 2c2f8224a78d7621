import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/harness.js';

/** Sends raw bytes (what `inject` cannot: Node's parser refuses them) and reads the answer. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.write(bytes);
  });
}

function parse(raw: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
}

describe('framework errors are problem details too', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(address).port);
  });

  afterAll(async () => t?.close());

  it('a malformed URL (%ZZ) is a 400 problem that does not echo the path', async () => {
    const res = await t.app.inject({ url: '/api/v1/businesses/%ZZ<script>' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).not.toContain('%ZZ');
    expect(res.body).not.toContain('script');
    expect(res.json()).toMatchObject({
      status: 400,
      code: 'validation_error',
      detail: 'The request URL is not valid.',
      requestId: expect.stringMatching(/^req_/),
    });
    expect(res.headers['x-request-id']).toBe(res.json().requestId);
  });

  it('an over-long path parameter is a 400 problem, not a raw 414', async () => {
    const res = await t.app.inject({ url: `/api/v1/businesses/biz_${'a'.repeat(300)}` });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).not.toContain('aaaaaaaaaa');
  });

  it('headers over the size limit get a 431 problem', async () => {
    const raw = await rawRequest(
      port,
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const res = parse(raw);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('a NUL in a header gets a 400 problem', async () => {
    const raw = await rawRequest(port, 'GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\0b\r\n\r\n');
    const res = parse(raw);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'validation_error' });
    expect(res.body.detail).toMatch(/forbidden character/);
  });

  it('a malformed request line gets a 400 problem', async () => {
    const res = parse(await rawRequest(port, 'GET /health HTTP/9\x01\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
