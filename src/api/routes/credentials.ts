/** Visitor credentials per booking, staff cards by schedule, and revocation. */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../context.js';
import { IdParams } from '../schemas/common.js';

const Kind = Type.Union([Type.Literal('card'), Type.Literal('pin'), Type.Literal('qr')]);
const Value = Type.String({ minLength: 1, maxLength: 512, description: 'card id as the reader reports it, the PIN, or the QR payload' });
const Intervals = Type.Array(Type.Tuple([Type.String({ pattern: '^\\d{2}:\\d{2}$' }), Type.String({ pattern: '^\\d{2}:\\d{2}$' })]));

export const credentialRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { bookings } = app.ctx;
  app.post(
    '/api/bookings/:id/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: "Register a visitor's card, PIN or QR payload, valid only for their movements in this booking",
        params: IdParams,
        body: Type.Object({ personId: Type.String({ minLength: 1 }), kind: Kind, value: Value }, { additionalProperties: false }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(bookings.issueVisitorCredential(request.params.id, request.body, actorOf(request.user))),
  );
  app.post(
    '/api/staff/:id/credentials',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Issue a staff card or PIN, optionally limited to a weekly schedule (local time)',
        params: IdParams,
        body: Type.Object(
          {
            kind: Kind,
            value: Value,
            schedule: Type.Optional(
              Type.Object(
                { mon: Type.Optional(Intervals), tue: Type.Optional(Intervals), wed: Type.Optional(Intervals), thu: Type.Optional(Intervals), fri: Type.Optional(Intervals), sat: Type.Optional(Intervals), sun: Type.Optional(Intervals) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      reply.status(201).send(bookings.issueStaffCredential(request.params.id, request.body as never, actorOf(request.user))),
  );
  app.post(
    '/api/credentials/:id/revoke',
    {
      schema: {
        tags: ['credentials'],
        summary: 'Revoke a credential; it stops working at once',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      },
    },
    async (request) => bookings.revokeCredential(request.params.id, request.body.reason, actorOf(request.user)),
  );
};
