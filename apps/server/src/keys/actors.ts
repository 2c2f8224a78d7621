import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/actor.js';
import type { Principal } from '../auth/principal.js';
import type { KeyActor, KeyCreator } from './kit.js';

/** An API key acts as itself (bounded by its own limits); a session acts as its user. */
export function keyActorOf(principal: Principal): KeyActor {
  return principal.kind === 'key'
    ? { userId: principal.userId, keyId: principal.keyId }
    : { userId: principal.userId };
}

/** Who makes a key (create, roll): recorded in `createdBy` and the audit log. */
export function keyCreatorOf(
  request: Pick<FastifyRequest, 'principal' | 'ip' | 'headers'>,
): KeyCreator {
  const { principal } = request;
  return {
    ...keyActorOf(principal),
    actor: actorOf(request),
    createdBy: principal.kind === 'key' ? 'api_key' : 'user',
  };
}
