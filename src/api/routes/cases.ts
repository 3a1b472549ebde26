/** Cases: family, referral, risk assessment with review date, keep-apart pairs, stagger settings. */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContactdError, ErrorCodes } from '../../errors.js';
import { actorOf } from '../context.js';
import { IdParams, LocalDate, RiskLevel } from '../schemas/common.js';

const Risk = Type.Object({ level: RiskLevel, assessedOn: LocalDate, reviewDue: LocalDate }, { additionalProperties: false });
const Settings = Type.Object(
  {
    firstToArrive: Type.Union([Type.Literal('visiting'), Type.Literal('resident')], { default: 'visiting' }),
    gapMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 120 })),
    residentEntrance: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const caseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.ctx;
  const mustGet = (id: string) => {
    const c = store.cases.get(id);
    if (!c) throw new ContactdError(ErrorCodes.NOT_FOUND, `no case ${id}`);
    return c;
  };
  const checkEntrance = (entrance: string | undefined) => {
    if (entrance && !app.ctx.config.site.entrances.some((e) => e.id === entrance)) {
      throw new ContactdError(ErrorCodes.VALIDATION_FAILED, `no entrance '${entrance}' at this site`);
    }
  };

  app.get(
    '/api/cases',
    { schema: { tags: ['cases'], summary: 'List cases', querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])) }) } },
    async (request) => store.cases.list(request.query.status ? { status: request.query.status } : {}),
  );

  app.post(
    '/api/cases',
    {
      schema: {
        tags: ['cases'],
        summary: 'Open a case',
        body: Type.Object(
          {
            reference: Type.String({ minLength: 1, maxLength: 64 }),
            familyName: Type.String({ minLength: 1, maxLength: 200 }),
            referral: Type.Object(
              { source: Type.String({ minLength: 1 }), receivedOn: LocalDate, notes: Type.Optional(Type.String({ maxLength: 4000 })) },
              { additionalProperties: false },
            ),
            risk: Risk,
            settings: Type.Optional(Settings),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkEntrance(body.settings?.residentEntrance);
      if (store.cases.list().some((c) => c.reference === body.reference)) {
        throw new ContactdError(ErrorCodes.CONFLICT, `a case with reference ${body.reference} exists`);
      }
      const created = store.cases.create({ ...body, settings: body.settings ?? { firstToArrive: 'visiting' } });
      store.audit.append({ actor: actorOf(request.user), action: 'case.create', subject: `case:${created.id}` });
      return reply.status(201).send(created);
    },
  );

  app.get('/api/cases/:id', { schema: { tags: ['cases'], summary: 'One case', params: IdParams } }, async (request) => mustGet(request.params.id));

  app.patch(
    '/api/cases/:id',
    {
      schema: {
        tags: ['cases'],
        summary: 'Update the risk assessment, stagger settings or status',
        params: IdParams,
        body: Type.Object(
          {
            risk: Type.Optional(Risk),
            settings: Type.Optional(Settings),
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
            closedOn: Type.Optional(LocalDate),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      mustGet(request.params.id);
      checkEntrance(request.body.settings?.residentEntrance);
      if (request.body.status === 'closed' && !request.body.closedOn) {
        throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'closing a case needs closedOn (footage retention counts from it)');
      }
      const updated = store.cases.update(request.params.id, request.body);
      store.audit.append({
        actor: actorOf(request.user),
        action: 'case.update',
        subject: `case:${request.params.id}`,
        details: { fields: Object.keys(request.body) },
      });
      return updated;
    },
  );

  app.post(
    '/api/cases/:id/keep-apart',
    {
      schema: {
        tags: ['cases'],
        summary: 'Record a keep-apart pair (may name people of other families)',
        params: IdParams,
        body: Type.Object(
          { a: Type.String({ minLength: 1 }), b: Type.String({ minLength: 1 }), reason: Type.String({ minLength: 1, maxLength: 500 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      mustGet(request.params.id);
      const { a, b, reason } = request.body;
      if (a === b) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'a keep-apart pair needs two different people');
      for (const id of [a, b]) {
        const p = store.people.get(id);
        if (!p) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, `no person ${id}`);
        if (p.kind === 'staff') throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'keep-apart pairs are between visitors, not staff');
      }
      const pair = store.cases.addKeepApart(request.params.id, { a, b, reason });
      store.audit.append({ actor: actorOf(request.user), action: 'case.keep-apart.add', subject: `case:${request.params.id}`, details: { a, b } });
      return reply.status(201).send(pair);
    },
  );
};
