import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openStore } from './db/connect.js';
import { migrateToLatest } from './db/migrations/index.js';
import type { App } from './http/types.js';

/** Boot: config → database → migrations → app → listen; stops cleanly on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<void> {
  const store = openStore(config.database);
  await migrateToLatest(store);
  const app = await buildApp({ config, store });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await app.close();
      await store.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const where = config.database.kind === 'sqlite' ? config.database.path : 'PostgreSQL';
  app.log.info(`Iqra is serving on port ${config.port} (database: ${where}); reference at /docs`);
  if (!config.redisUrl) logSingleNode(app, config);
}

/**
 * Said at every start without Redis, because nothing else would tell an operator who scales out:
 * the limits of API.md §1 then hold per node, not per deployment.
 */
function logSingleNode(app: App, config: Config): void {
  const limits = 'REDIS_URL is not set: rate limits and failure throttles are per node until it is';
  if (config.database.kind === 'postgres') {
    app.log.warn(
      `${limits}; revocations reach other nodes through PostgreSQL LISTEN/NOTIFY, with a database poll as the fallback`,
    );
  } else {
    app.log.info(`${limits} (SQLite serves one node)`);
  }
}
