import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Client tokens (API.md §7): `iqra_ct_` + base64url(JSON claims) + `.` + base64url(HMAC-SHA256).
 * Stateless: everything the server needs is in the claims, signed with a key derived from the
 * pepper (HKDF, its own label), so minting and checking one touch no database. What kills a token
 * early lives on its parent key (revoked, expired, rolled, `client_tokens_not_before`), which the
 * guard reads through the key verifier's cache.
 */
export const CLIENT_TOKEN_PREFIX = 'iqra_ct_';
const VERSION = 1;
const SIGNATURE_LENGTH = 43; // 32 bytes, base64url without padding
/** Generous bound on the claims: a header value longer than this is refused before any work. */
const MAX_TOKEN_LENGTH = 600;
const SHAPE = /^iqra_ct_([A-Za-z0-9_-]{20,500})\.([A-Za-z0-9_-]{43})$/;

/** The resources a client token may name; `write` only for calls. */
export const CLIENT_TOKEN_RESOURCES = ['agents', 'calls', 'conversations'] as const;
export type ClientTokenResource = (typeof CLIENT_TOKEN_RESOURCES)[number];
export type ClientTokenPermissions = Partial<
  Record<ClientTokenResource, 'none' | 'read' | 'write'>
>;

export interface ClientTokenClaims {
  /** The parent API key. */
  keyId: string;
  businessId: string;
  permissions: ClientTokenPermissions;
  /** Epoch milliseconds. */
  issuedAt: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Random: two tokens minted in the same millisecond differ; the token's own rate bucket. */
  nonce: string;
}

interface WireClaims {
  v: number;
  k: string;
  b: string;
  p: ClientTokenPermissions;
  iat: number;
  exp: number;
  n: string;
}

export const looksLikeClientToken = (value: string) => value.startsWith(CLIENT_TOKEN_PREFIX);

export class ClientTokenCodec {
  private readonly secret: Buffer;

  constructor(pepper: string) {
    this.secret = Buffer.from(
      hkdfSync('sha256', Buffer.from(pepper, 'utf8'), Buffer.alloc(0), 'iqra:client-tokens:v1', 32),
    );
  }

  mint(claims: Omit<ClientTokenClaims, 'nonce'>): { token: string; claims: ClientTokenClaims } {
    const nonce = randomBytes(12).toString('base64url');
    const wire: WireClaims = {
      v: VERSION,
      k: claims.keyId,
      b: claims.businessId,
      p: claims.permissions,
      iat: claims.issuedAt,
      exp: claims.expiresAt,
      n: nonce,
    };
    const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
    return {
      token: `${CLIENT_TOKEN_PREFIX}${body}.${this.sign(body)}`,
      claims: { ...claims, nonce },
    };
  }

  /**
   * The claims of a token this server signed, or undefined for anything else (malformed,
   * another version, tampered). Expiry is the caller's to check, against its own clock.
   */
  read(token: string): ClientTokenClaims | undefined {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const match = SHAPE.exec(token);
    if (!match) return undefined;
    const [, body = '', signature = ''] = match;
    const expected = Buffer.from(this.sign(body), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== SIGNATURE_LENGTH || !timingSafeEqual(expected, given)) return undefined;
    let wire: Partial<WireClaims>;
    try {
      wire = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<WireClaims>;
    } catch {
      return undefined;
    }
    if (
      wire.v !== VERSION ||
      typeof wire.k !== 'string' ||
      typeof wire.b !== 'string' ||
      typeof wire.iat !== 'number' ||
      typeof wire.exp !== 'number' ||
      typeof wire.n !== 'string' ||
      typeof wire.p !== 'object' ||
      wire.p === null
    ) {
      return undefined;
    }
    return {
      keyId: wire.k,
      businessId: wire.b,
      permissions: wire.p,
      issuedAt: wire.iat,
      expiresAt: wire.exp,
      nonce: wire.n,
    };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
