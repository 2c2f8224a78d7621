import { actorOf, type Principal } from '../auth/principal.js';
import type { KeyActor, KeyCreator } from './kit.js';

/** An API key acts as itself (bounded by its own limits); a session acts as its user. */
export function keyActorOf(principal: Principal): KeyActor {
  return principal.kind === 'key'
    ? { userId: principal.userId, keyId: principal.keyId }
    : { userId: principal.userId };
}

/** Who makes a key (create, roll): recorded in `createdBy` and the audit log. */
export function keyCreatorOf(principal: Principal): KeyCreator {
  return {
    ...keyActorOf(principal),
    actor: actorOf(principal),
    createdBy: principal.kind === 'key' ? 'api_key' : 'user',
  };
}
