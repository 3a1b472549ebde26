import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/auth-hook.js';
import { ROUTE_ROLES } from '../../src/auth/roles.js';
import { addUser, buildTestApi, login, signedIn, TEST_PASSWORD, type TestApi } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let api: TestApi;
beforeEach(async () => {
  api = await buildTestApi();
});
afterEach(() => api.close());
afterAll(removeTempDirs);

const concrete = (route: string) => route.replace(/:id/g, 'x');

describe('authentication', () => {
  it('serves /healthz without a session', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers 401 to every /api route without a session, and to /docs', async () => {
    for (const key of Object.keys(ROUTE_ROLES)) {
      const [method, url] = key.split(' ') as [string, string];
      const res = await api.app.inject({ method: method as 'GET', url: concrete(url), payload: method === 'GET' ? undefined : {} });
      expect(res.statusCode, key).toBe(401);
      expect(res.json().error.code, key).toBe('UNAUTHENTICATED');
    }
    expect((await api.app.inject({ method: 'GET', url: '/api/no-such-route' })).statusCode).toBe(401);
    expect((await api.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(401);
  });

  it('signs in with an httpOnly SameSite cookie and audits it; signs out', async () => {
    await addUser(api, 'ann', 'reception');
    const res = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    // Relative lifetime: the browser's clock may disagree with the daemon's (the test clock is
    // days behind the real one), and an absolute Expires would then drop the cookie at once.
    expect(cookie.maxAge).toBe(api.config.settings.http.sessionHours * 3600);
    expect(cookie.expires).toBeUndefined();
    expect(api.store.audit.list({ action: 'auth.login' })).toHaveLength(1);

    const session = await login(api, 'ann');
    expect((await session.request('GET', '/api/auth/session')).json().user.username).toBe('ann');
    expect((await session.request('POST', '/api/auth/logout')).statusCode).toBe(200);
    expect((await session.request('GET', '/api/auth/session')).statusCode).toBe(401);
  });

  it('refuses a wrong password with the same answer as an unknown user, and audits the failure', async () => {
    await addUser(api, 'ann', 'reception');
    const wrong = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password: 'nope' } });
    const unknown = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bob', password: 'nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(api.store.audit.list({ action: 'auth.login-failed' })).toHaveLength(2);
  });

  it('throttles repeated failures, then lets the right password in once the lock-out passes', async () => {
    await addUser(api, 'ann', 'reception');
    const attempt = (password: string) =>
      api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ann', password } });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong')).statusCode).toBe(401);
    const locked = await attempt(TEST_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('LOGIN_THROTTLED');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    api.clock.advance(61_000);
    expect((await attempt(TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('requires the CSRF token on state-changing requests', async () => {
    const session = await signedIn(api, 'reception');
    const withoutToken = await api.app.inject({
      method: 'POST',
      url: '/api/people',
      cookies: { [SESSION_COOKIE]: session.cookie },
      payload: { kind: 'adult', fullName: 'Sam Carter' },
    });
    expect(withoutToken.statusCode).toBe(403);
    expect(withoutToken.json().error.code).toBe('CSRF_MISMATCH');
    const withToken = await session.request('POST', '/api/people', { kind: 'adult', fullName: 'Sam Carter' });
    expect(withToken.statusCode).toBe(201);
    expect(withToken.json()).toMatchObject({ fullName: 'Sam Carter', initials: 'SC' });
  });

  it('expires sessions', async () => {
    const session = await signedIn(api, 'reception');
    api.clock.advance(api.config.settings.http.sessionHours * 3_600_000 + 1);
    expect((await session.request('GET', '/api/auth/session')).statusCode).toBe(401);
  });

  it('rejects invalid bodies with VALIDATION_FAILED and the path', async () => {
    const session = await signedIn(api, 'reception');
    const res = await session.request('POST', '/api/people', { kind: 'alien', fullName: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});
