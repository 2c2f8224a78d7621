import { type Static, Type } from 'typebox';
import { nameText } from '../http/route-kit.js';
import { idOf, Timestamp } from '../http/schemas.js';

export const UserSchema = Type.Object(
  {
    id: idOf('usr'),
    email: Type.String({ format: 'email' }),
    name: Type.String(),
    createdAt: Timestamp,
  },
  { title: 'User' },
);
export type User = Static<typeof UserSchema>;

export const UpdateUserBody = Type.Object(
  { name: Type.Optional(nameText({ maxLength: 100, examples: ['Ada Lovelace'] })) },
  { additionalProperties: false },
);
export type UpdateUserRequest = Static<typeof UpdateUserBody>;
