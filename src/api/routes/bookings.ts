/** Bookings: create a day's visits (planned and checked), read their movements, move them, cancel. */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { formatLocalTime, localDate } from '../../domain/local-time.js';
import type { BookingView } from '../../services/bookings.js';
import { actorOf } from '../context.js';
import { IdParams, LocalDate } from '../schemas/common.js';

const Participant = Type.Object(
  {
    personId: Type.String({ minLength: 1 }),
    role: Type.Union([Type.Literal('child'), Type.Literal('resident-parent'), Type.Literal('visiting-parent'), Type.Literal('authorised-adult')]),
    party: Type.Optional(Type.Union([Type.Literal('resident'), Type.Literal('visiting')])),
  },
  { additionalProperties: false },
);
const EntranceId = Type.String({ minLength: 1, maxLength: 63, description: "the resident party's entrance (site entrance id); the visiting party gets another" });
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 instant with offset, e.g. 2026-11-28T10:30:00Z' });

export const bookingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { bookings, site } = app.ctx;
  /** Adds local-time strings so reception reads the plan in the centre's own time. */
  const present = (b: BookingView) => ({
    ...b,
    startLocal: formatLocalTime(b.start, site.timezone),
    endLocal: formatLocalTime(b.end, site.timezone),
    movements: b.movements.map((m) => ({
      ...m,
      doorName: site.doorName(m.doorId),
      fromZoneName: site.zoneName(m.fromZone),
      toZoneName: site.zoneName(m.toZone),
      windowStartLocal: formatLocalTime(m.windowStart, site.timezone),
      windowEndLocal: formatLocalTime(m.windowEnd, site.timezone),
    })),
  });

  app.get(
    '/api/bookings',
    {
      schema: {
        tags: ['bookings'],
        summary: "A day's bookings with each person's planned movements",
        querystring: Type.Object({ date: Type.Optional(LocalDate) }),
      },
    },
    async (request) => {
      const date = request.query.date ?? localDate(app.ctx.clock.now(), site.timezone);
      return { date, bookings: bookings.listByDate(date).map(present) };
    },
  );

  app.post(
    '/api/bookings',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Book a visit; refused with reasons and the nearest safe start when it cannot be made safe',
        body: Type.Object(
          {
            caseId: Type.String({ minLength: 1 }),
            roomId: Type.String({ minLength: 1 }),
            serviceType: Type.Union([Type.Literal('supported'), Type.Literal('supervised'), Type.Literal('handover')]),
            start: Instant,
            end: Instant,
            participants: Type.Array(Participant, { minItems: 1, maxItems: 20 }),
            supervisorId: Type.Optional(Type.String({ minLength: 1 })),
            residentEntrance: Type.Optional(EntranceId),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { start, end, ...rest } = request.body;
      const created = bookings.create({ ...rest, start: Date.parse(start), end: Date.parse(end) }, actorOf(request.user));
      return reply.status(201).send(present(created));
    },
  );

  app.get('/api/bookings/:id', { schema: { tags: ['bookings'], summary: 'One booking with its movements', params: IdParams } }, async (request) =>
    present(bookings.get(request.params.id)),
  );

  app.patch(
    '/api/bookings/:id',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Move a visit that has not begun (times, room, supervisor, entrance): re-planned and re-checked like a new booking, refused with reasons and the nearest safe start',
        params: IdParams,
        body: Type.Object(
          {
            start: Type.Optional(Instant),
            end: Type.Optional(Instant),
            roomId: Type.Optional(Type.String({ minLength: 1 })),
            supervisorId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
            residentEntrance: Type.Optional(EntranceId),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
      },
    },
    async (request) => {
      const { start, end, ...rest } = request.body;
      const changes = { ...rest, ...(start === undefined ? {} : { start: Date.parse(start) }), ...(end === undefined ? {} : { end: Date.parse(end) }) };
      return present(bookings.edit(request.params.id, changes, actorOf(request.user)));
    },
  );

  app.post(
    '/api/bookings/:id/cancel',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Cancel a booking; its visitor credentials are revoked at once',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
      },
    },
    async (request) => present(bookings.cancel(request.params.id, request.body.reason, actorOf(request.user))),
  );
};
