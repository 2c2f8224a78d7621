import type { Call, ConversationSummary } from './types.js';

/**
 * An event as delivered to a webhook endpoint. Written from the server's outbox until the OpenAPI
 * document carries a `webhooks` section to generate it from.
 */
export type WebhookEvent =
  | {
      type: 'call.queued' | 'call.ringing' | 'call.in_progress' | 'call.completed' | 'call.failed';
      timestamp: string;
      data: Call;
    }
  | { type: 'conversation.ended'; timestamp: string; data: ConversationSummary }
  | { type: 'webhook.test'; timestamp: string; data: { webhookId: string; message: string } };

export type WebhookEventType = WebhookEvent['type'];

/** A Fetch `Headers`, or a plain object such as Node's `IncomingHttpHeaders`. */
export type HeadersLike =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** How far the `webhook-timestamp` may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** The current time in milliseconds (tests). */
  now?: number;
}

/** The delivery is not authentic (bad or missing signature, stale timestamp) or not an event. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

const encoder = new TextEncoder();

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof headers.get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/**
 * Checks a Standard Webhooks signature (HMAC-SHA256 over `${id}.${timestamp}.${body}` with the
 * `whsec_` secret, any of the space-separated `v1,` signatures) and the timestamp (within five
 * minutes), then returns the parsed event. Pass the body exactly as received, before any JSON
 * parsing. Uses Web Crypto only, so it runs in Node ≥ 20, Deno, workers and browsers.
 * @throws WebhookVerificationError when anything does not check out.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  secret: string,
  options: VerifyOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'Missing webhook-id, webhook-timestamp or webhook-signature.',
    );
  }
  const seconds = Number(timestamp);
  const now = (options.now ?? Date.now()) / 1000;
  if (!/^\d+$/.test(timestamp) || Math.abs(now - seconds) > (options.toleranceSeconds ?? 300)) {
    throw new WebhookVerificationError('The webhook timestamp is too old or too new.');
  }
  const keyBytes = fromBase64(secret.startsWith('whsec_') ? secret.slice(6) : secret);
  if (!keyBytes || keyBytes.length === 0) throw new WebhookVerificationError('Malformed secret.');
  const body = typeof rawBody === 'string' ? encoder.encode(rawBody) : rawBody;
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);

  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  let valid = false;
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const candidate = fromBase64(value);
    // subtle.verify compares in constant time.
    if (candidate && (await crypto.subtle.verify('HMAC', key, candidate, signed))) valid = true;
  }
  if (!valid) throw new WebhookVerificationError('No matching webhook signature.');

  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  const event: unknown = JSON.parse(text);
  if (
    !event ||
    typeof event !== 'object' ||
    typeof (event as { type?: unknown }).type !== 'string'
  ) {
    throw new WebhookVerificationError('The payload is not an event.');
  }
  return event as WebhookEvent;
}
