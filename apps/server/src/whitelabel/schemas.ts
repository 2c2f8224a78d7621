import { type Static, type TSchema, Type } from 'typebox';
import { nameText } from '../http/route-kit.js';
import { NullableTimestamp } from '../http/schemas.js';

export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Fields = {
  brandName: nullable(nameText({ maxLength: 60, examples: ['Acme Voice'] })),
  logoUrl: nullable(
    Type.String({
      format: 'uri',
      maxLength: 2048,
      pattern: '^https?://',
      examples: ['https://acme.example/logo.svg'],
    }),
  ),
  primaryColor: nullable(
    Type.String({
      pattern: '^#[0-9a-fA-F]{6}$',
      description: 'Hex colour, `#rrggbb`.',
      examples: ['#4f46e5'],
    }),
  ),
  supportEmail: nullable(Type.String({ format: 'email', maxLength: 254 })),
  customDomain: nullable(
    Type.String({
      maxLength: 253,
      pattern: '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$',
      description: 'A host name you point at this service, e.g. `voice.acme.example`.',
    }),
  ),
};

export const WhitelabelSchema = Type.Object(
  { ...Fields, updatedAt: NullableTimestamp },
  { title: 'Whitelabel' },
);
export type Whitelabel = Static<typeof WhitelabelSchema>;

export const PutWhitelabelBody = Type.Object(
  {
    brandName: Type.Optional(Fields.brandName),
    logoUrl: Type.Optional(Fields.logoUrl),
    primaryColor: Type.Optional(Fields.primaryColor),
    supportEmail: Type.Optional(Fields.supportEmail),
    customDomain: Type.Optional(Fields.customDomain),
  },
  { additionalProperties: false },
);
export type PutWhitelabelRequest = Static<typeof PutWhitelabelBody>;
