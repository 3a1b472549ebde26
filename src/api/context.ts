/** What route plugins get: the store and services, decorated onto the fastify instance. */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Store } from '../store/store.js';
import type { LoginThrottle } from '../auth/throttle.js';
import type { User } from '../store/repos/users.js';

export interface ApiContext {
  store: Store;
  config: Readonly<Config>;
  clock: Clock;
  throttle: LoginThrottle;
}

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
