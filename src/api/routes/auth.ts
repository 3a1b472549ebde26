/** Sign in, sign out, and who am I. */
import { randomBytes } from 'node:crypto';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { dummyPasswordHash, verifyPassword } from '../../auth/passwords.js';
import { ContactdError, ErrorCodes } from '../../errors.js';
import { SESSION_COOKIE } from '../auth-hook.js';
import { actorOf } from '../context.js';

const SessionInfo = Type.Object({
  user: Type.Object({ id: Type.String(), username: Type.String(), role: Type.String() }),
  csrfToken: Type.String({ description: 'send as the x-csrf-token header on every state-changing request' }),
  expiresAt: Type.Optional(Type.Integer()),
});

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a username and password; sets the session cookie',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
        response: { 200: SessionInfo },
      },
    },
    async (request, reply) => {
      const { store, clock, throttle, config } = app.ctx;
      const { username, password } = request.body;
      const keys = [`user:${username.toLowerCase()}`, `ip:${request.ip}`];
      const wait = throttle.retryAfter(keys);
      if (wait > 0) {
        void reply.header('retry-after', Math.ceil(wait / 1000));
        throw new ContactdError(ErrorCodes.LOGIN_THROTTLED, `too many failed sign-ins; try again in ${Math.ceil(wait / 1000)} s`);
      }
      const found = store.users.findForLogin(username);
      // Verify against a dummy hash when the user does not exist, so response time does not reveal it.
      const ok = await verifyPassword(found?.passwordHash ?? (await dummyPasswordHash()), password);
      if (!found || !ok || found.user.disabled) {
        throttle.recordFailure(keys);
        store.audit.append({ actor: `anonymous@${request.ip}`, action: 'auth.login-failed', subject: `user:${username}` });
        throw new ContactdError(ErrorCodes.LOGIN_FAILED, 'wrong username or password');
      }
      throttle.recordSuccess(keys);
      const token = randomBytes(32).toString('base64url');
      const csrfToken = randomBytes(24).toString('base64url');
      const now = clock.now();
      const expiresAt = now + config.settings.http.sessionHours * 3_600_000;
      store.sessions.create(token, { userId: found.user.id, csrfToken, createdAt: now, expiresAt });
      store.audit.append({ actor: actorOf(found.user), action: 'auth.login', subject: `user:${found.user.username}`, details: { ip: request.ip } });
      void reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: config.settings.http.secureCookies,
        // Max-Age counts from when the browser receives the cookie; an absolute Expires would be
        // read by the browser's clock, so a reception PC whose clock is ahead of the daemon's
        // would drop the cookie (or keep it past the session). The server enforces expiresAt.
        maxAge: Math.floor((expiresAt - now) / 1000),
      });
      return { user: { id: found.user.id, username: found.user.username, role: found.user.role }, csrfToken, expiresAt };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out and end the session' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) app.ctx.store.sessions.delete(token);
    app.ctx.store.audit.append({ actor: actorOf(request.user), action: 'auth.logout' });
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get(
    '/api/auth/session',
    { schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token', response: { 200: SessionInfo } } },
    async (request) => {
      const user = request.user!;
      return { user: { id: user.id, username: user.username, role: user.role }, csrfToken: request.csrfToken! };
    },
  );
};
