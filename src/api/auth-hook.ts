/**
 * Authentication, authorisation and CSRF for every request. Public: /healthz, the
 * login route and the dashboard's static files. Everything else needs a session
 * cookie; /api routes are then checked against the role matrix (unlisted = refused)
 * and state-changing methods must carry the session's CSRF token in x-csrf-token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { rolesFor } from '../auth/roles.js';
import { ErrorCodes } from '../errors.js';
import { errorBody } from './errors.js';

export const SESSION_COOKIE = 'contactd_session';
const PUBLIC_ROUTES = new Set(['GET /healthz', 'POST /api/auth/login']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isPublic(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route && PUBLIC_ROUTES.has(`${request.method} ${route}`)) return true;
  // Dashboard files: the login page must load before anyone is signed in.
  return request.method === 'GET' && !request.url.startsWith('/api') && !request.url.startsWith('/docs') && !request.url.startsWith('/live');
}

function tokensEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function registerAuthHook(app: FastifyInstance): void {
  app.decorateRequest('user', null);
  app.decorateRequest('csrfToken', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (isPublic(request)) return;
    const { store, clock } = app.ctx;
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? store.sessions.find(token, clock.now()) : undefined;
    const user = session ? store.users.get(session.userId) : undefined;
    if (!session || !user || user.disabled) {
      return reply.status(401).send(errorBody(ErrorCodes.UNAUTHENTICATED, 'sign in first'));
    }
    request.user = user;
    request.csrfToken = session.csrfToken;
    const route = request.routeOptions.url;
    if (request.url.startsWith('/api')) {
      const allowed = route ? rolesFor(request.method, route) : undefined;
      if (!allowed || !allowed.includes(user.role)) {
        request.log.info({ user: user.username, role: user.role, route: `${request.method} ${route ?? request.url}` }, 'forbidden');
        return reply.status(403).send(errorBody(ErrorCodes.FORBIDDEN, `the ${user.role} role may not do this`));
      }
    }
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !tokensEqual(sent, session.csrfToken)) {
        return reply.status(403).send(errorBody(ErrorCodes.CSRF_MISMATCH, 'missing or wrong x-csrf-token header'));
      }
    }
  });
}
