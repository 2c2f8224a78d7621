import { type Static, Type } from 'typebox';
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
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);
export type UpdateUserRequest = Static<typeof UpdateUserBody>;
