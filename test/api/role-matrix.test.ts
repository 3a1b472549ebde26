/**
 * Walks the whole route-by-role matrix: every role against every /api route. A role
 * the matrix allows must get past authorisation (anything but 401/403); any other
 * role must get 403. Also: every registered /api route is in the matrix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, ROUTE_ROLES } from '../../src/auth/roles.js';
import { buildTestApi, signedIn, type Session, type TestApi } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let api: TestApi;
const sessions = new Map<string, Session>();

beforeAll(async () => {
  api = await buildTestApi();
  for (const role of ROLES) sessions.set(role, await signedIn(api, role));
});
afterAll(async () => {
  await api.close();
  removeTempDirs();
});

describe('route-by-role matrix', () => {
  it('lists every registered /api route, and only those', () => {
    const registered = api.app.routeList.filter((r) => r.includes(' /api/') && r !== 'POST /api/auth/login');
    expect(registered.length).toBeGreaterThan(10);
    for (const key of Object.keys(ROUTE_ROLES)) expect(registered, `${key} is in the matrix but not registered`).toContain(key);
    const unlisted = registered.filter((r) => !ROUTE_ROLES[r]);
    expect(unlisted, 'registered /api routes missing from the matrix').toEqual([]);
  });

  for (const [key, allowed] of Object.entries(ROUTE_ROLES)) {
    if (key === 'POST /api/auth/logout') continue; // would end the shared sessions; covered in auth.test.ts
    it(key, async () => {
      const [method, url] = key.split(' ') as [string, string];
      for (const role of ROLES) {
        const res = await sessions.get(role)!.request(method, url.replace(/:id/g, 'no-such-id'), method === 'GET' ? undefined : {});
        if (allowed.includes(role)) {
          expect([401, 403], `${role} should pass authorisation for ${key}, got ${res.statusCode} ${res.body}`).not.toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${role} must be refused ${key}`).toBe(403);
          expect(res.json().error.code).toBe('FORBIDDEN');
        }
      }
    });
  }
});

