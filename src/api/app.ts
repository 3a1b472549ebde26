/**
 * Builds the HTTP app: external plugins, then the auth hook, then the routes. It does
 * not listen; server start and graceful shutdown live in the daemon.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { registerAuthHook } from './auth-hook.js';
import type { ApiContext } from './context.js';
import { handleError } from './errors.js';
import { dashboardRoutes } from './static.js';
import { alertRoutes } from './routes/alerts.js';
import { auditRoutes } from './routes/audit.js';
import { bookingRoutes } from './routes/bookings.js';
import { credentialRoutes } from './routes/credentials.js';
import { doorRoutes } from './routes/doors.js';
import { authRoutes } from './routes/auth.js';
import { caseRoutes } from './routes/cases.js';
import { footageExportRoutes } from '../footage/export-route.js';
import { footagePlaybackRoutes } from '../footage/playback-route.js';
import { healthRoutes } from './routes/health.js';
import { liveRoutes } from './routes/live.js';
import { peopleRoutes } from './routes/people.js';
import { siteRoutes } from './routes/site.js';
import { staffRoutes } from './routes/staff.js';
import { userRoutes } from './routes/users.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export interface BuildAppOptions {
  ctx: ApiContext;
  /** Pass pino({ level: 'silent' }) for quiet tests. */
  logger: Logger;
  /** Routes of later capabilities (bookings, doors, alerts, footage), registered after the core ones. */
  extraRoutes?: FastifyPluginAsyncTypebox[];
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const common = {
    bodyLimit: 256 * 1024,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array' as const, useDefaults: true } },
  };
  const app = Fastify({ ...common, loggerInstance: options.logger as FastifyBaseLogger }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorate('ctx', options.ctx);
  // Every registered route as `METHOD /url`, so the role-matrix test can prove the matrix is complete.
  const routeList: string[] = [];
  app.decorate('routeList', routeList);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeList.push(`${method} ${route.url}`);
  });
  app.setErrorHandler(handleError);
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 4096 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'contactd API', version: '1', description: 'Access control and CCTV for a child contact centre' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'contactd_session' } } },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerAuthHook(app);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` } });
  });

  for (const routes of [healthRoutes, authRoutes, siteRoutes, peopleRoutes, caseRoutes, staffRoutes, userRoutes, auditRoutes, bookingRoutes, credentialRoutes, doorRoutes, alertRoutes, liveRoutes, footageExportRoutes, footagePlaybackRoutes, ...(options.extraRoutes ?? [])]) {
    await app.register(routes);
  }
  // The reception dashboard's files (web/dist), after every API route.
  await app.register(dashboardRoutes());
  return app;
}
