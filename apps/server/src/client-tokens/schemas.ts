import { type Static, Type } from 'typebox';
import { idOf, Timestamp } from '../http/schemas.js';

const ReadLevel = Type.Union([Type.Literal('none'), Type.Literal('read')]);
const WriteLevel = Type.Union([Type.Literal('none'), Type.Literal('read'), Type.Literal('write')]);

/** What a client token may do (API.md §7): these three resources only, `write` only for calls. */
export const ClientTokenPermissionsSchema = Type.Object(
  {
    agents: Type.Optional(ReadLevel),
    calls: Type.Optional(WriteLevel),
    conversations: Type.Optional(ReadLevel),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    title: 'ClientTokenPermissions',
    description:
      "Each at most the minting key's own (else 403 `escalation_denied`); resources not named are `none`.",
    examples: [{ conversations: 'read' }],
  },
);

export const CreateClientTokenBody = Type.Object(
  {
    businessId: idOf('biz', "The one business the token reaches; in the key's scope."),
    permissions: ClientTokenPermissionsSchema,
    ttlSeconds: Type.Optional(
      Type.Integer({
        minimum: 60,
        maximum: 3600,
        default: 600,
        description: "Lifetime; the token never outlives its key's own `expiresAt`.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateClientTokenRequest = Static<typeof CreateClientTokenBody>;

export const ClientTokenSchema = Type.Object(
  {
    token: Type.String({
      description:
        '`iqra_ct_…`: hand it to one browser (`Authorization: Token iqra_ct_…`); it expires by itself.',
      examples: ['iqra_ct_eyJ2IjoxfQ.c2lnbmF0dXJlLW9mLTMyLWJ5dGVzLWJhc2U2NHVybC1lbmNvZA'],
    }),
    expiresAt: Timestamp,
    businessId: idOf('biz'),
    permissions: ClientTokenPermissionsSchema,
  },
  { title: 'ClientToken' },
);
export type ClientToken = Static<typeof ClientTokenSchema>;

export const ClientTokenHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'The same key with the same body answers the first token again (200, `Idempotent-Replayed: true`) while it is valid, on the node that minted it; with another body, 422.',
    }),
  ),
});
