import { type Static, Type } from 'typebox';
import { idOf, NullableString, NullableTimestamp, PageQuery, Timestamp } from '../http/schemas.js';

/** The key feature's contract (API.md §4-5): both route files and the OpenAPI document read it. */

const Level = Type.Union([Type.Literal('none'), Type.Literal('read'), Type.Literal('write')]);
const permissionProps = {
  businesses: Level,
  agents: Level,
  calls: Level,
  conversations: Level,
  webhooks: Level,
  telephony: Level,
};
export const PermissionsSchema = Type.Object(permissionProps, {
  additionalProperties: false,
  title: 'KeyPermissions',
  description: 'Per resource: GET needs `read`, any other method `write` (write includes read).',
});
const PermissionsInput = Type.Partial(Type.Object(permissionProps), {
  additionalProperties: false,
  description:
    "Resources not named are `none`. Omitted: write everywhere from a session, the key's own from an API key.",
});
export const AllowedIpsSchema = Type.Array(Type.String({ minLength: 2, maxLength: 64 }), {
  maxItems: 100,
  description:
    'IPv4/IPv6 addresses or CIDR blocks the key may be used from; empty means any address.',
  examples: [['203.0.113.0/24', '2001:db8::/32']],
});

const UnrestrictedScope = Type.Object(
  { type: Type.Literal('unrestricted') },
  {
    additionalProperties: false,
    title: 'Unrestricted',
    description: 'Every business of the owner, including ones created later.',
  },
);
const RestrictedScope = Type.Object(
  {
    type: Type.Literal('restricted'),
    businessIds: Type.Array(idOf('biz'), { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false, title: 'Restricted', description: 'Only the listed businesses.' },
);
/** As answered: deleting businesses can empty the list (the key is then revoked, scope_empty). */
const HeldRestrictedScope = Type.Object(
  {
    type: Type.Literal('restricted'),
    businessIds: Type.Array(idOf('biz'), { maxItems: 100 }),
  },
  {
    additionalProperties: false,
    title: 'RestrictedHeld',
    description:
      'Only the listed businesses. A deleted business leaves the list; a key left with none is revoked (`scope_empty`).',
  },
);

type Scope = Static<typeof UnrestrictedScope> | Static<typeof RestrictedScope>;

/** A tagged union; `discriminator` makes validation errors name the branch that was meant. */
function scopeUnion(restricted: typeof RestrictedScope | typeof HeldRestrictedScope) {
  return Type.Unsafe<Scope>({
    type: 'object',
    discriminator: { propertyName: 'type' },
    required: ['type'],
    oneOf: [UnrestrictedScope, restricted],
  });
}

export const BusinessScopeSchema = scopeUnion(RestrictedScope);
const HeldBusinessScopeSchema = scopeUnion(HeldRestrictedScope);

export const ApiKeySchema = Type.Object(
  {
    id: idOf('key'),
    name: Type.String(),
    prefix: Type.String({ description: 'The first 12 characters, for recognising the key.' }),
    lastFour: Type.String(),
    businessScope: HeldBusinessScopeSchema,
    userManagement: Type.Boolean(),
    permissions: PermissionsSchema,
    allowedIps: AllowedIpsSchema,
    rateLimitPerMinute: Type.Integer({ description: 'Requests per minute this key may make.' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
    revokedReason: Type.Union(
      [
        Type.Literal('manual'),
        Type.Literal('cascade'),
        Type.Literal('leaked'),
        Type.Literal('scope_empty'),
        Type.Null(),
      ],
      {
        description:
          'Why it was revoked: `scope_empty` when the last business of a restricted key was deleted.',
      },
    ),
    createdBy: Type.Object(
      {
        type: Type.Union([Type.Literal('user'), Type.Literal('api_key'), Type.Literal('operator')]),
        id: NullableString({
          description: 'The user (`usr_…`) or key (`key_…`); null for the operator.',
        }),
      },
      { description: 'Who made the key: a dashboard session, an API key, or the operator CLI.' },
    ),
    rolledFromId: Type.Union([idOf('key'), Type.Null()], {
      description: 'The key this one replaced by a roll.',
    }),
    rolledToId: Type.Union([idOf('key'), Type.Null()], {
      description: 'The key this one was rolled to (it works until its `expiresAt`).',
    }),
    createdAt: Timestamp,
    lastUsedAt: NullableTimestamp,
    expiresAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
  },
  { title: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKeySchema>;

export const CreatedApiKeySchema = Type.Object(
  {
    ...ApiKeySchema.properties,
    key: Type.String({
      description: 'The secret key. Shown only in this answer: store it now.',
      examples: ['iqra_sk_4f9QeLw1ZkP0x7sVbN2cT8yRu3mJh6Ad0Kx2aB'],
    }),
  },
  { title: 'CreatedApiKey' },
);
export type CreatedApiKey = Static<typeof CreatedApiKeySchema>;

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      examples: ['Zapier Integration - Dental Clinic'],
    }),
    businessScope: Type.Optional({
      ...BusinessScopeSchema,
      description:
        "Required from a session. From an API key, omitted means the key's own scope; a wider one answers 403.",
    }),
    userManagement: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Lets the key reach /api/v1/user: profile, billing, white-label, keys.',
      }),
    ),
    permissions: Type.Optional(PermissionsInput),
    allowedIps: Type.Optional(AllowedIpsSchema),
    rateLimitPerMinute: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000_000,
        description:
          "Requests per minute. From a session: at most the deployment default (the default when omitted). From an API key: at most the key's own (its own when omitted).",
      }),
    ),
    expiresAt: Type.Optional(
      Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
        description:
          "When the key stops working; null for never. Omitted: never from a session, the key's own expiry from an API key (which may not be exceeded).",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateApiKeyRequest = Static<typeof CreateApiKeyBody>;

export const KeyParams = Type.Object({ keyId: Type.String({ maxLength: 64 }) });
export const ListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(
    Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
  ),
});

export const KeyPolicySchema = Type.Object(
  {
    maxLifetimeDays: Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
      description:
        'New keys without `expiresAt` expire after this many days; a later `expiresAt` is refused. Null: no maximum.',
    }),
  },
  { additionalProperties: false, title: 'KeyPolicy' },
);

export const KeyUsageSchema = Type.Object(
  {
    data: Type.Array(
      Type.Object({
        date: Type.String({ format: 'date' }),
        requests: Type.Integer({ description: 'Every answer the key got.' }),
        rejected: Type.Integer({ description: 'Its 403 and 429 answers.' }),
        unauthorized: Type.Integer({
          description: 'The 401s sent to it after it was revoked, expired or rolled past overlap.',
        }),
      }),
    ),
  },
  { title: 'KeyUsage' },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Any unique string (a UUID): the same key with the same body within 24 hours returns the first answer, the new key included (200, `Idempotent-Replayed: true`), instead of making another; with another body, 422.',
    }),
  ),
});
