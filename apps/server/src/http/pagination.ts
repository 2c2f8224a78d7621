import { createHmac, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors.js';

/**
 * Opaque, tamper-evident cursors: `base64url(position).signature`. A client cannot forge a
 * position, so a cursor never becomes a way to probe ids it was not given.
 */
export class CursorCodec {
  private readonly secret: Buffer;

  constructor(secret: string) {
    this.secret = createHmac('sha256', secret).update('iqra:cursor').digest();
  }

  encode(position: string): string {
    const payload = Buffer.from(position, 'utf8').toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The position a cursor stands for; a 400 for anything this server did not issue. */
  decode(cursor: string): string {
    const dot = cursor.indexOf('.');
    const payload = cursor.slice(0, dot);
    const signature = Buffer.from(cursor.slice(dot + 1));
    const expected = Buffer.from(this.sign(payload));
    if (dot <= 0 || signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
      throw new ApiError('invalid_cursor');
    }
    return Buffer.from(payload, 'base64url').toString('utf8');
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url').slice(0, 22);
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only says another page exists.
 */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  codec: CursorCodec,
  positionOf: (row: R) => string,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const visible = more ? rows.slice(0, limit) : rows;
  const last = visible.at(-1);
  return {
    data: visible.map(map),
    nextCursor: more && last !== undefined ? codec.encode(positionOf(last)) : null,
  };
}
