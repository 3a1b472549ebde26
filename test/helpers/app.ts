/**
 * Builds the real API on a temp database (no sockets: app.inject), with helpers to
 * create users and sign in as any role.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { deviceRoutes } from '../../src/api/routes/devices.js';
import { SESSION_COOKIE } from '../../src/api/auth-hook.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { ManualClock, type Clock } from '../../src/clock.js';
import type { Config } from '../../src/config/schema.js';
import type { StaffRole } from '../../src/domain/model.js';
import { createServices, type Services } from '../../src/services/index.js';
import { openStore, type Store } from '../../src/store/store.js';
import { testConfig } from './config.js';
import { tempDir } from './tmp.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApi {
  app: FastifyInstance;
  store: Store;
  services: Services;
  clock: ManualClock;
  config: Readonly<Config>;
  close(): Promise<void>;
}

export async function buildTestApi(opts: { clock?: ManualClock; config?: Readonly<Config> } = {}): Promise<TestApi> {
  const clock = opts.clock ?? new ManualClock(Date.UTC(2026, 10, 24, 9, 0));
  const config = opts.config ?? testConfig(tempDir());
  const store = openStore(config.settings.dataDir, clock);
  store.site.sync(config.site);
  const logger = pino({ level: 'silent' });
  const services = createServices({ store, config, clock: clock as Clock, logger });
  // As a daemon with no door or camera hardware started.
  const noDevices = deviceRoutes({ startedAt: services.clock.now(), mqtt: () => undefined, osdp: () => undefined, recorders: () => undefined });
  const app = await buildApp({ ctx: services, logger, extraRoutes: [noDevices] });
  services.live.start();
  services.alerts.start();
  await services.access.start();
  return {
    app,
    store,
    services,
    clock,
    config,
    async close() {
      await services.access.stop();
      services.alerts.stop();
      services.live.stop();
      await app.close();
      store.close();
    },
  };
}

const hashCache = new Map<string, Promise<string>>();

export async function addUser(api: TestApi, username: string, role: StaffRole, password = TEST_PASSWORD) {
  if (!hashCache.has(password)) hashCache.set(password, hashPassword(password));
  return api.store.users.create({ username, role, passwordHash: await hashCache.get(password)! });
}

export interface Session {
  cookie: string;
  csrfToken: string;
  /** inject with the session cookie and, for state-changing methods, the CSRF header. */
  request(method: string, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

export async function login(api: TestApi, username: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie');
  const csrfToken = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie: cookie.value,
    csrfToken,
    request: (method, url, payload) =>
      api.app.inject({
        method: method as 'GET',
        url,
        cookies: { [SESSION_COOKIE]: cookie.value },
        headers: method === 'GET' ? {} : { 'x-csrf-token': csrfToken },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}

export async function signedIn(api: TestApi, role: StaffRole, username = `${role}-user`): Promise<Session> {
  if (!api.store.users.findForLogin(username)) await addUser(api, username, role);
  return login(api, username);
}
