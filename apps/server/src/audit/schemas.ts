import { type Static, Type } from 'typebox';
import { NullableString, PageQuery, Timestamp } from '../http/schemas.js';

const ActorType = Type.Union([
  Type.Literal('user'),
  Type.Literal('api_key'),
  Type.Literal('operator'),
  Type.Literal('secret_scanning'),
  Type.Literal('system'),
]);

export const AuditEventSchema = Type.Object(
  {
    id: Type.String({ examples: ['aud_01jdx7k3m8q9r2s4t6v8w0y2z4'] }),
    action: Type.String({ examples: ['api_key.revoked'] }),
    actor: Type.Object({
      type: ActorType,
      id: NullableString({
        description: 'The user (`usr_…`) or key (`key_…`); null for the operator and the system.',
      }),
    }),
    target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }), Type.Null()]),
    businessId: NullableString({
      description: 'The business the event is about, if any.',
    }),
    ip: NullableString(),
    userAgent: NullableString(),
    at: Timestamp,
    details: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Names, ids, limits and reasons; never a secret.',
    }),
  },
  { title: 'AuditEvent' },
);
export type AuditEvent = Static<typeof AuditEventSchema>;

export const AuditQuery = Type.Object({
  ...PageQuery,
  action: Type.Optional(Type.String({ maxLength: 64, examples: ['api_key.created'] })),
  actorId: Type.Optional(
    Type.String({ maxLength: 64, description: 'A `usr_…` (its sessions) or `key_…`.' }),
  ),
  targetId: Type.Optional(Type.String({ maxLength: 64 })),
  businessId: Type.Optional(Type.String({ maxLength: 64 })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive.' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Exclusive.' })),
});
export type AuditQueryInput = Static<typeof AuditQuery>;
