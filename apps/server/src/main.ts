import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openStore } from './db/connect.js';
import { migrateToLatest } from './db/migrations/index.js';

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
}
