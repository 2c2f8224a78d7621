/** One path segment: an id is encoded, so it can never add a segment or a query. */
export const seg = (id: string): string => encodeURIComponent(id);

export const biz = (businessId: string): string => `/api/v1/businesses/${seg(businessId)}`;

/** A fresh `Idempotency-Key`: Web Crypto's UUID, in Node ≥ 20 and every current browser. */
export const newIdempotencyKey = (): string => crypto.randomUUID();
