/** What route plugins get: the store and services, decorated onto the fastify instance. */
import type { Services } from '../services/index.js';
import type { User } from '../store/repos/users.js';

export type ApiContext = Services;

declare module 'fastify' {
  interface FastifyInstance {
    ctx: ApiContext;
    routeList: readonly string[];
  }
  interface FastifyRequest {
    user: User | null;
    csrfToken: string | null;
  }
}

export const actorOf = (user: User | null): string => (user ? `user:${user.username}` : 'anonymous');
