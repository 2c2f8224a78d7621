import { type Static, Type } from 'typebox';
import { nameText } from '../http/route-kit.js';
import { idOf, Timestamp } from '../http/schemas.js';

export const BusinessSchema = Type.Object(
  {
    id: idOf('biz'),
    name: Type.String(),
    defaultLanguage: Type.String({ description: 'BCP 47 tag; agents default to it.' }),
    timezone: Type.String({ description: 'IANA time zone.' }),
    disabled: Type.Boolean({ description: 'A disabled business refuses every API request.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { title: 'Business' },
);
export type Business = Static<typeof BusinessSchema>;

export const Name = nameText({ maxLength: 100, examples: ['Dental Clinic'] });
export const Language = Type.String({ minLength: 2, maxLength: 35, examples: ['en', 'pt-BR'] });
export const Timezone = Type.String({ minLength: 1, maxLength: 64, examples: ['Europe/Berlin'] });

export const CreateBusinessBody = Type.Object(
  {
    name: Name,
    defaultLanguage: Type.Optional(Language),
    timezone: Type.Optional(Timezone),
  },
  { additionalProperties: false },
);
export type CreateBusinessRequest = Static<typeof CreateBusinessBody>;

export const UpdateBusinessBody = Type.Object(
  {
    name: Type.Optional(Name),
    defaultLanguage: Type.Optional(Language),
    timezone: Type.Optional(Timezone),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateBusinessRequest = Static<typeof UpdateBusinessBody>;
