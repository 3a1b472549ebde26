/**
 * Playing back a visit's recorded footage (manager, safeguarding lead: the roles that may
 * export it; reception never sees recorded footage, src/auth/roles.ts):
 *
 * - GET /api/bookings/:id/footage lists, per camera, the segments tagged to the visit and
 *   the gaps between them (playback.ts). Audited as footage.playback.
 * - GET /api/footage/segments/:id?booking=ID streams one segment MP4 with Range support
 *   (the <video> element seeks and reads the MP4 index at the end). The segment must be
 *   tagged to that visit; its file path comes from the index, never from the request; its
 *   size is checked against the index on every request, its SHA-256 is not recomputed
 *   (the index's hash is the ETag; export checks the hashes). Audited as footage.view the
 *   first time a session opens a segment of a visit (view-audit.ts), so the many Range
 *   requests of one viewing make one record. Refusals are audited too.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../api/context.js';
import { ContactdError, ErrorCodes } from '../errors.js';
import { footageRepo } from '../store/repos/footage.js';
import { parseRange, rangeStillValid } from './http-range.js';
import { visitPlayback } from './playback.js';
import { viewAuditOnce } from './view-audit.js';

export const footagePlaybackRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { store, config, clock } = app.ctx;
  const footage = footageRepo(store.db, () => clock.now());
  const audited = viewAuditOnce({ ttlMs: config.settings.http.sessionHours * 3_600_000, now: () => clock.now() });

  app.get(
    '/api/bookings/:id/footage',
    {
      schema: {
        tags: ['footage'],
        summary: "A visit's recorded footage: per camera its tagged segments and the gaps (audited)",
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
      },
    },
    async (request) => {
      const booking = store.bookings.get(request.params.id);
      if (!booking) throw new ContactdError(ErrorCodes.NOT_FOUND, `no booking ${request.params.id}`);
      const playback = visitPlayback(footage, config.site, booking, store.bookings.movements(booking.id), clock.now());
      store.audit.append({
        actor: actorOf(request.user),
        action: 'footage.playback',
        subject: `booking:${booking.id}`,
        details: { cameras: playback.cameras.map((c) => c.cameraId), segments: playback.cameras.reduce((n, c) => n + c.segments.length, 0), sharedRoom: playback.sharedRoom },
      });
      return {
        ...playback,
        cameras: playback.cameras.map((c) => ({
          ...c,
          segments: c.segments.map((s) => ({ ...s, url: `/api/footage/segments/${s.id}?booking=${encodeURIComponent(booking.id)}` })),
        })),
      };
    },
  );

  app.get(
    '/api/footage/segments/:id',
    {
      schema: {
        tags: ['footage'],
        summary: 'One recorded segment (MP4) of a visit, with Range support; only a segment tagged to that visit (audited once per session)',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) }),
        querystring: Type.Object({ booking: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const segmentId = Number(request.params.id);
      const bookingId = request.query.booking;
      const actor = actorOf(request.user);
      const refuse = (code: typeof ErrorCodes.NOT_FOUND | typeof ErrorCodes.FORBIDDEN, why: string): never => {
        store.audit.append({ actor, action: 'footage.view-refused', subject: `booking:${bookingId}`, details: { segmentId, why } });
        request.log.warn({ user: request.user?.username, segmentId, bookingId, why }, 'footage segment refused');
        throw new ContactdError(code, why);
      };
      const segment = footage.get(segmentId);
      if (!segment || !store.bookings.get(bookingId)) return refuse(ErrorCodes.NOT_FOUND, 'no such segment or visit');
      if (!footage.tags(segmentId).some((t) => t.kind === 'visit' && t.refId === bookingId)) return refuse(ErrorCodes.FORBIDDEN, 'that segment is not part of this visit');
      const size = await stat(segment.path).then(
        (s) => s.size,
        () => undefined,
      );
      if (size === undefined) return refuse(ErrorCodes.NOT_FOUND, 'the segment file is missing from the footage folder');
      if (size !== segment.bytes) {
        store.audit.append({ actor: 'system', action: 'footage.integrity', subject: `booking:${bookingId}`, details: { segmentId, indexBytes: segment.bytes, fileBytes: size } });
        throw new ContactdError(ErrorCodes.CONFLICT, 'the segment file on disk does not match the footage index; it is not served');
      }

      const etag = `"${segment.sha256}"`;
      const range = rangeStillValid(request.headers['if-range'] as string | undefined, etag) ? parseRange(request.headers.range, size) : { kind: 'whole' as const };
      if (range.kind === 'unsatisfiable') {
        return reply.status(416).header('content-range', `bytes */${size}`).send({ error: { code: ErrorCodes.BAD_REQUEST, message: 'requested range is outside the segment' } });
      }
      if (request.csrfToken && audited.first(request.csrfToken, bookingId, segmentId)) {
        store.audit.append({
          actor,
          action: 'footage.view',
          subject: `booking:${bookingId}`,
          details: { playback: true, segmentId, cameraId: segment.cameraId, start: segment.startAt, end: segment.endAt, sha256: segment.sha256 },
        });
      }
      const { start, end } = range.kind === 'partial' ? range : { start: 0, end: size - 1 };
      void reply
        .header('content-type', 'video/mp4')
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        // Recorded footage never stays in a browser or proxy cache.
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header('content-length', String(end - start + 1));
      if (range.kind === 'partial') void reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
      return reply.send(size === 0 ? '' : createReadStream(segment.path, { start, end }));
    },
  );
};
