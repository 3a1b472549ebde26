/** Alerts (acknowledge, resolve with a note) and the lockdown switch. */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContactdError, ErrorCodes } from '../../errors.js';
import { actorOf } from '../context.js';
import { IdParams } from '../schemas/common.js';
import { staffKey } from './doors.js';

export const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { alerts, store, access, clock } = app.ctx;
  app.get(
    '/api/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first',
        querystring: Type.Object({ state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request) => ({ alerts: store.alerts.list({ state: request.query.state ?? 'open', limit: request.query.limit ?? 200 }), lockdown: store.alerts.currentLockdown() ?? { active: false } }),
  );
  app.post('/api/alerts/:id/ack', { schema: { tags: ['alerts'], summary: 'Acknowledge an alert (stops its escalation)', params: IdParams } }, async (request) =>
    alerts.acknowledge(request.params.id, actorOf(request.user)),
  );
  app.post(
    '/api/alerts/:id/resolve',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Resolve an alert with a note of what happened',
        params: IdParams,
        body: Type.Object({ note: Type.String({ minLength: 3, maxLength: 2000 }) }, { additionalProperties: false }),
      },
    },
    async (request) => alerts.resolve(request.params.id, actorOf(request.user), request.body.note),
  );
  app.post(
    '/api/lockdown',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Start a lockdown (any front-desk role) or lift it (manager or safeguarding lead only)',
        body: Type.Object({ active: Type.Boolean(), reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const user = request.user!;
      if (!access.state().ctx.staff[staffKey(user)]) access.reload('new staff account');
      const outcome = await access.act({ type: 'lockdown', active: request.body.active, managerId: staffKey(user), reason: `${user.username}: ${request.body.reason}`, at: clock.now() });
      if (outcome.decision.outcome === 'denied') throw new ContactdError(ErrorCodes.FORBIDDEN, outcome.decision.reason);
      return { lockdown: access.state().lockdown, decision: outcome.decision };
    },
  );
};
