/** Staff training records (expiry blocks assignment as a supervisor). */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContactdError, ErrorCodes } from '../../errors.js';
import { actorOf } from '../context.js';
import { IdParams, LocalDate } from '../schemas/common.js';

export const staffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store } = app.ctx;
  const mustBeStaff = (id: string) => {
    const p = store.people.get(id);
    if (!p || p.kind !== 'staff') throw new ContactdError(ErrorCodes.NOT_FOUND, `no staff member ${id}`);
    return p;
  };
  app.get('/api/staff/:id/training', { schema: { tags: ['staff'], summary: "A staff member's training records", params: IdParams } }, async (request) => {
    mustBeStaff(request.params.id);
    return store.training.forStaff(request.params.id);
  });
  app.post(
    '/api/staff/:id/training',
    {
      schema: {
        tags: ['staff'],
        summary: 'Record completed training',
        params: IdParams,
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('safeguarding'), Type.Literal('domestic-abuse'), Type.Literal('first-aid')]),
            completedOn: LocalDate,
            expiresOn: LocalDate,
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      mustBeStaff(request.params.id);
      if (request.body.expiresOn <= request.body.completedOn) {
        throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'expiresOn must be after completedOn');
      }
      const record = store.training.add({ staffId: request.params.id, ...request.body });
      store.audit.append({ actor: actorOf(request.user), action: 'staff.training.add', subject: `person:${request.params.id}`, details: { kind: record.kind, expiresOn: record.expiresOn } });
      return reply.status(201).send(record);
    },
  );
};
