/** People: children, parents/carers, other adults and staff. */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ContactdError, ErrorCodes } from '../../errors.js';
import { actorOf } from '../context.js';
import { IdParams, PersonKind } from '../schemas/common.js';

export const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/people',
    { schema: { tags: ['people'], summary: 'List people', querystring: Type.Object({ kind: Type.Optional(PersonKind) }) } },
    async (request) => app.ctx.store.people.list(request.query.kind ? { kind: request.query.kind } : {}),
  );
  app.post(
    '/api/people',
    {
      schema: {
        tags: ['people'],
        summary: 'Record a person',
        body: Type.Object(
          {
            kind: PersonKind,
            fullName: Type.String({ minLength: 1, maxLength: 200 }),
            initials: Type.Optional(Type.String({ minLength: 1, maxLength: 4 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const person = app.ctx.store.people.create(request.body);
      app.ctx.store.audit.append({ actor: actorOf(request.user), action: 'person.create', subject: `person:${person.id}`, details: { kind: person.kind } });
      return reply.status(201).send(person);
    },
  );
  app.get('/api/people/:id', { schema: { tags: ['people'], summary: 'One person', params: IdParams } }, async (request) => {
    const person = app.ctx.store.people.get(request.params.id);
    if (!person) throw new ContactdError(ErrorCodes.NOT_FOUND, `no person ${request.params.id}`);
    return person;
  });
};
