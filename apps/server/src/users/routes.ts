import { type Static, Type } from 'typebox';
import { actorOf } from '../auth/principal.js';
import { idOf, Timestamp } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { toUserView, type UserService } from './service.js';

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

const tags = ['User'];

export function registerUserRoutes(app: App, deps: { users: UserService }): void {
  app.get(
    '/api/v1/user',
    {
      config: { access: 'user' },
      schema: { tags, summary: 'Your profile', response: { 200: UserSchema } },
    },
    async (request) => toUserView(await deps.users.get(request.principal.userId)),
  );

  app.patch(
    '/api/v1/user',
    {
      config: { access: 'user' },
      schema: {
        tags,
        summary: 'Update your profile',
        body: UpdateUserBody,
        response: { 200: UserSchema },
      },
    },
    async (request) =>
      toUserView(
        await deps.users.update(request.principal.userId, request.body, actorOf(request.principal)),
      ),
  );
}
