import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'iqra_session';
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * Session cookies are `token.signature`. The database keeps only SHA-256(token) as the session
 * id, the signature (HMAC with SESSION_SECRET) turns away forged cookies with no read, and the
 * CSRF token is derived from the session id, so nothing extra is stored.
 */
export class SessionTokens {
  private readonly secret: Buffer;

  constructor(sessionSecret: string) {
    this.secret = Buffer.from(sessionSecret, 'utf8');
  }

  issue(): { cookie: string; sessionId: string } {
    const token = randomBytes(32).toString('base64url');
    return { cookie: `${token}.${this.sign(`session:${token}`)}`, sessionId: idOf(token) };
  }

  /** The session id a cookie stands for, or undefined if it was not made by this server. */
  sessionIdOf(cookie: string): string | undefined {
    const dot = cookie.indexOf('.');
    if (dot <= 0 || cookie.length > 200) return undefined;
    const token = cookie.slice(0, dot);
    if (!safeEqual(cookie.slice(dot + 1), this.sign(`session:${token}`))) return undefined;
    return idOf(token);
  }

  csrfTokenFor(sessionId: string): string {
    return this.sign(`csrf:${sessionId}`);
  }

  checkCsrf(sessionId: string, header: string | string[] | undefined): boolean {
    return typeof header === 'string' && safeEqual(header, this.csrfTokenFor(sessionId));
  }

  private sign(value: string): string {
    return createHmac('sha256', this.secret).update(value).digest('base64url');
  }
}

function idOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
