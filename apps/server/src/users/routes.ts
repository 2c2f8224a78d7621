import { actorOf } from '../auth/actor.js';
import { routeGroup } from '../http/route-kit.js';
import type { App } from '../http/types.js';
import { UpdateUserBody, UserSchema } from './schemas.js';
import { toUserView, type UserService } from './service.js';

const tags = ['User'];
const userManagementRoute = routeGroup('User', { access: 'userManagement' });

export function registerUserRoutes(app: App, deps: { users: UserService }): void {
  app.get(
    '/api/v1/user',
    {
      config: { access: 'userManagement' },
      schema: { tags, summary: 'Your profile', response: { 200: UserSchema } },
    },
    async (request) => toUserView(await deps.users.get(request.principal.userId)),
  );

  app.patch(
    '/api/v1/user',
    userManagementRoute({
      summary: 'Update your profile',
      body: UpdateUserBody,
      response: { 200: UserSchema },
    }),
    async (request) =>
      toUserView(await deps.users.update(request.principal.userId, request.body, actorOf(request))),
  );
}
