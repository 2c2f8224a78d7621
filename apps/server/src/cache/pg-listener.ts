import { createRequire } from 'node:module';
import type pg from 'pg';
import { searchPathOption } from '../db/connect.js';
import type { Invalidation } from './invalidation.js';
import { decodeNotice, invalidationChannel } from './pg-notify.js';

/** What the listener needs of the feed: apply what it hears, and read the table to catch up. */
export interface ListenerFeed {
  apply(invalidation: Invalidation): void;
  poll(): Promise<void>;
}

export interface ListenerOptions {
  /** A new, unconnected client for each attempt: a dedicated connection, never a pool's. */
  client: () => pg.Client;
  /** The channel to LISTEN on, asked of each new connection (it knows its own schema). */
  channelOf: (client: pg.Client) => Promise<string>;
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
    const { feed, onError } = this.options;
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
    try {
      await client.connect();
      const channel = await this.options.channelOf(client);
      client.on('notification', (message) => this.receive(channel, message));
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

  /**
   * Applies what the trigger announced. This node's own invalidations come back too: it applied
   * them already, and applying one twice costs a cache miss, nothing more.
   */
  private receive(channel: string, message: pg.Notification): void {
    if (message.channel !== channel) return;
    const notice = decodeNotice(message.payload);
    if (!notice) {
      this.options.onError(new Error('unreadable invalidation notification'));
      return;
    }
    try {
      if ('poll' in notice) void this.options.feed.poll();
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
 * Revocations across nodes through PostgreSQL alone: the listener, once started, applies to
 * `feed` what the `cache_invalidations` trigger announces (migration 0014), whichever process
 * wrote the row. Its connection uses the store's schema, so it hears that schema's channel.
 */
export function postgresInvalidations(
  database: { url: string; schema?: string },
  feed: ListenerFeed,
  onError: (error: unknown) => void,
): InvalidationListener {
  return new InvalidationListener({
    // pg is loaded when a PostgreSQL server starts listening, not by every import (SQLite too).
    client: () =>
      new (createRequire(import.meta.url)('pg') as typeof pg).Client({
        connectionString: database.url,
        application_name: 'iqra-invalidations',
        // The same schema as the store's pool (db/connect.ts), so current_schema() agrees.
        ...(database.schema ? { options: searchPathOption(database.schema) } : {}),
        // A connect that hangs (a black-holed address) would otherwise never be retried.
        connectionTimeoutMillis: 10_000,
        // An idle LISTEN connection notices a dead peer only through keepalives.
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
      }),
    channelOf: async (client) => {
      const { rows } = await client.query<{ schema: string }>('select current_schema() as schema');
      const schema = rows[0]?.schema;
      if (!schema) throw new Error('the invalidation listener found no current schema');
      return invalidationChannel(schema);
    },
    feed,
    onError,
  });
}
