import { type Static, Type } from 'typebox';
import { nameText } from '../http/route-kit.js';
import { UserSchema } from '../users/schemas.js';

export const SessionSchema = Type.Object(
  {
    user: UserSchema,
    csrfToken: Type.String({
      description: 'Send as the `X-CSRF-Token` header on every non-GET request of this session.',
    }),
  },
  { title: 'Session' },
);
export type Session = Static<typeof SessionSchema>;

const Email = Type.String({ format: 'email', maxLength: 254, examples: ['ada@example.com'] });

export const SignupBody = Type.Object(
  {
    email: Email,
    password: Type.String({ minLength: 8, maxLength: 256, description: 'At least 8 characters.' }),
    name: nameText({ maxLength: 100, examples: ['Ada Lovelace'] }),
  },
  { additionalProperties: false },
);
export type SignupRequest = Static<typeof SignupBody>;

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginRequest = Static<typeof LoginBody>;
