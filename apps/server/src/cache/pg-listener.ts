import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../db/schema.js';
import type { Invalidation } from './invalidation.js';
import { decodeNotice, invalidationChannel, notifyThrough } from './pg-notify.js';

/** What the listener needs of the feed: apply what it hears, and read the table to catch up. */
export interface ListenerFeed {
  apply(invalidation: Invalidation): void;
  poll(): Promise<void>;
}

export interface ListenerOptions {
  /** A new, unconnected client for each attempt: a dedicated connection, never a pool's. */
  client: () => pg.Client;
  channel: string;
  /** This node's notifications carry it; it already applied them in-process. */
  origin: string;
  feed: ListenerFeed;
  onError: (error: unknown) => void;
  /** First reconnect delay (doubled per failure, up to `maxRetryMs`, jittered). */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * Holds one connection LISTENing on the invalidation channel and applies what other nodes
 * publish, so a revocation reaches this node at the other's commit rather than at the next poll.
 * A dropped connection is retried with backoff; every (re)connect reads the table once, after
 * LISTEN is in place, so nothing committed while it was not listening is missed. The feed's
 * poll keeps running beside it as the fallback.
 */
export class InvalidationListener {
  private client: pg.Client | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: ListenerOptions) {}

  start(): void {
    if (this.client || this.retryTimer || this.closed) return;
    void this.connect();
  }

  /** Ends the connection and any pending retry; nothing of it keeps the process alive. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    const { channel, feed, onError } = this.options;
    const client = this.options.client();
    this.client = client;
    let dropped = false;
    const drop = (error?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (this.closed) return;
      if (error) onError(error);
      this.retry();
    };
    client.on('error', drop);
    client.on('end', () => drop(new Error('the invalidation listener lost its connection')));
    client.on('notification', (message) => this.receive(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (error) {
      drop(error);
      return;
    }
    if (dropped || this.closed) return;
    this.failures = 0;
    await feed.poll();
  }

  private retry(): void {
    const { firstRetryMs = 500, maxRetryMs = 10_000 } = this.options;
    const base = Math.min(maxRetryMs, firstRetryMs * 2 ** this.failures);
    this.failures++;
    // Jittered, so the nodes of a deployment do not all reconnect in the same instant.
    this.retryTimer = setTimeout(() => void this.connect(), base * (0.5 + Math.random() / 2));
    this.retryTimer.unref();
  }

  private receive(message: pg.Notification): void {
    if (message.channel !== this.options.channel) return;
    const notice = decodeNotice(message.payload);
    if (!notice) {
      this.options.onError(new Error('unreadable invalidation notification'));
      return;
    }
    if (notice.origin === this.options.origin) return;
    try {
      if (notice.poll) void this.options.feed.poll();
      else this.options.feed.apply(notice);
    } catch (error) {
      this.options.onError(error);
    }
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Revocations across nodes through PostgreSQL alone: from now on invalidations recorded through
 * `db` NOTIFY at commit (the CLI's too), and the returned listener, once started, applies other
 * nodes' to `feed`.
 */
export function postgresInvalidations(
  db: Kysely<Database>,
  database: { url: string; schema?: string },
  feed: ListenerFeed,
  onError: (error: unknown) => void,
): InvalidationListener {
  const channel = invalidationChannel(database.schema);
  const origin = randomBytes(9).toString('base64url');
  notifyThrough(db, { channel, origin });
  return new InvalidationListener({
    // pg is loaded when a PostgreSQL server starts listening, not by every import (SQLite too).
    client: () =>
      new (createRequire(import.meta.url)('pg') as typeof pg).Client({
        connectionString: database.url,
        application_name: 'iqra-invalidations',
        // A connect that hangs (a black-holed address) would otherwise never be retried.
        connectionTimeoutMillis: 10_000,
        // An idle LISTEN connection notices a dead peer only through keepalives.
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      }),
    channel,
    origin,
    feed,
    onError,
  });
}
