/** Local user accounts (admin only). */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { hashPassword, passwordProblem } from '../../auth/passwords.js';
import { ContactdError, ErrorCodes } from '../../errors.js';
import { actorOf } from '../context.js';
import { Role } from '../schemas/common.js';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.ctx;
  app.get('/api/users', { schema: { tags: ['users'], summary: 'List user accounts' } }, async () => store.users.list());
  app.post(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user account',
        body: Type.Object(
          {
            username: Type.String({ pattern: '^[A-Za-z0-9._-]{2,64}$' }),
            password: Type.String({ minLength: 1, maxLength: 1000 }),
            role: Role,
            personId: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { username, password, role, personId } = request.body;
      const problem = passwordProblem(password);
      if (problem) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, problem);
      if (store.users.findForLogin(username)) throw new ContactdError(ErrorCodes.CONFLICT, `user ${username} exists`);
      const user = store.users.create({ username, role, passwordHash: await hashPassword(password), ...(personId ? { personId } : {}) });
      store.audit.append({ actor: actorOf(request.user), action: 'user.create', subject: `user:${username}`, details: { role } });
      return reply.status(201).send(user);
    },
  );
};
