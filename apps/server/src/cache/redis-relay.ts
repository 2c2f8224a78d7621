import type { Redis } from 'ioredis';
import type { Invalidation, InvalidationFeed } from './invalidation.js';

const CHANNEL = 'iqra:invalidations';

/**
 * With Redis, a revocation reaches every node at once instead of at their next poll of the
 * database (which stays on as the fallback, and covers the CLI). Messages carry ids only.
 */
export function relayInvalidations(
  feed: InvalidationFeed,
  client: Redis,
  onError: (error: unknown) => void,
): { close(): void } {
  const subscriber = client.duplicate();
  subscriber.on('error', onError);
  subscriber.on('ready', () => {
    subscriber.subscribe(CHANNEL).catch(onError);
  });
  subscriber.on('message', (_channel: string, message: string) => {
    try {
      feed.apply(JSON.parse(message) as Invalidation);
    } catch (error) {
      onError(error);
    }
  });
  feed.relayTo((invalidation) => {
    client.publish(CHANNEL, JSON.stringify(invalidation)).catch(onError);
  });
  return { close: () => subscriber.disconnect() };
}
