/**
 * Doors from the front desk: their live state, releases (held when they would risk a
 * keep-apart meeting), manager overrides (a second, senior person signs with their own
 * password), confirming a person's whereabouts from the camera, and the decision log.
 */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyPassword } from '../../auth/passwords.js';
import { doorState } from '../../domain/access-state.js';
import { possibleOf } from '../../domain/occupancy.js';
import { localDayBounds, localDate } from '../../domain/local-time.js';
import { ContactdError, ErrorCodes } from '../../errors.js';
import type { User } from '../../store/repos/users.js';
import type { AccessOutcome } from '../../services/access-engine.js';
import { IdParams, LocalDate } from '../schemas/common.js';

const Release = {
  reason: Type.String({ minLength: 3, maxLength: 500, description: 'why (audited)' }),
  personId: Type.Optional(Type.String({ description: 'who is passing, when known' })),
  towards: Type.Optional(Type.String({ description: 'the zone they are passing into (default: the door\'s "to" zone)' })),
};

/** The staff identity the access core knows a signed-in user by. */
export const staffKey = (user: User): string => user.personId ?? `user:${user.id}`;

export const doorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { access, site, clock, store } = app.ctx;
  /** Accounts can be added while the daemon runs (CLI, API): reload when one is new to the access core. */
  const staffId = (user: User): string => {
    const key = staffKey(user);
    if (!access.state().ctx.staff[key]) access.reload('new staff account');
    return key;
  };
  const answer = (outcome: AccessOutcome) => ({
    decision: outcome.decision,
    notices: outcome.effects.filter((e) => e.type === 'notify-reception'),
  });

  app.get('/api/doors', { schema: { tags: ['doors'], summary: 'Every door with its live state' } }, async () => {
    const state = access.state();
    const now = clock.now();
    return site.site.doors.map((d) => {
      const ds = doorState(state, d.id);
      return {
        id: d.id,
        name: d.name,
        from: d.from,
        to: d.to,
        open: ds.open,
        unlocked: ds.unlockedUntil > now || ds.hardwareUnlocked,
        unlockedUntil: ds.unlockedUntil > now ? ds.unlockedUntil : null,
        lockdown: state.lockdown,
      };
    });
  });

  app.get('/api/occupancy', { schema: { tags: ['doors'], summary: 'Who could be in each zone now (initials only)' } }, async () => {
    const state = access.state();
    const initials = state.ctx.initials ?? {};
    const zones: Record<string, { personId: string; initials: string; certain: boolean }[]> = {};
    for (const personId of Object.keys(state.possible)) {
      const where = possibleOf(state.possible, personId, site);
      for (const zoneId of where) (zones[zoneId] ??= []).push({ personId, initials: initials[personId] ?? '?', certain: where.length === 1 });
    }
    return { zones };
  });

  app.post(
    '/api/doors/:id/release',
    { schema: { tags: ['doors'], summary: 'Release a door; held (not opened) when it would risk a keep-apart meeting', params: IdParams, body: Type.Object(Release, { additionalProperties: false }) } },
    async (request) => {
      const { reason, personId, towards } = request.body;
      return answer(
        await access.act({
          type: 'reception-release',
          doorId: request.params.id,
          staffId: staffId(request.user!),
          reason,
          at: clock.now(),
          ...(personId ? { personId } : {}),
          ...(towards ? { towards } : {}),
        }),
      );
    },
  );

  app.post(
    '/api/doors/:id/override',
    {
      schema: {
        tags: ['doors'],
        summary: 'Release despite a hold or lockdown: a manager or safeguarding lead approves with their own password',
        params: IdParams,
        body: Type.Object(
          { ...Release, managerUsername: Type.String({ minLength: 1 }), managerPassword: Type.String({ minLength: 1, maxLength: 1000 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const { reason, personId, towards, managerUsername, managerPassword } = request.body;
      const found = store.users.findForLogin(managerUsername);
      if (!found || found.user.disabled || !(await verifyPassword(found.passwordHash, managerPassword))) {
        store.audit.append({ actor: `user:${request.user!.username}`, action: 'door.override-refused', subject: `door:${request.params.id}`, details: { managerUsername } });
        throw new ContactdError(ErrorCodes.FORBIDDEN, 'the approving manager could not be verified');
      }
      return answer(
        await access.act({
          type: 'reception-override',
          doorId: request.params.id,
          staffId: staffId(request.user!),
          managerId: staffId(found.user),
          reason,
          at: clock.now(),
          ...(personId ? { personId } : {}),
          ...(towards ? { towards } : {}),
        }),
      );
    },
  );

  app.post(
    '/api/whereabouts',
    {
      schema: {
        tags: ['doors'],
        summary: 'Confirm from the camera which zone a person is in (lifts holds that only uncertainty caused)',
        body: Type.Object({ personId: Type.String({ minLength: 1 }), zoneId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      },
    },
    async (request) =>
      answer(await access.act({ type: 'confirm-whereabouts', personId: request.body.personId, zoneId: request.body.zoneId, staffId: staffId(request.user!), at: clock.now() })),
  );

  app.get(
    '/api/decisions',
    {
      schema: {
        tags: ['doors'],
        summary: "Access decisions of a day, newest first, each with its reason",
        querystring: Type.Object({ date: Type.Optional(LocalDate), doorId: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request) => {
      const date = request.query.date ?? localDate(clock.now(), site.timezone);
      const { start, end } = localDayBounds(date, site.timezone);
      return store.decisions.list({ from: start, to: end, ...(request.query.doorId ? { doorId: request.query.doorId } : {}), limit: request.query.limit ?? 200 });
    },
  );
};
