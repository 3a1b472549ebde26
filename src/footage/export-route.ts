/**
 * POST /api/bookings/:id/export (manager, safeguarding lead): exports a visit's footage
 * into the data dir's exports folder and returns the signed manifest. A shared-room
 * visit can only be exported by the safeguarding lead, whose export is the sign-off.
 */
import path from 'node:path';
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../api/context.js';
import { footageRepo } from '../store/repos/footage.js';
import { exportVisit } from './export.js';

export const footageExportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/bookings/:id/export',
    {
      schema: {
        tags: ['footage'],
        summary: "Export a visit's footage: one MP4 per camera and a signed manifest (audited)",
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
      },
    },
    async (request) => {
      const { store, config, clock } = app.ctx;
      const actor = actorOf(request.user);
      const dataDir = config.settings.dataDir;
      const outDir = path.join(dataDir, 'exports', `${request.params.id.replace(/[^\w-]/g, '_')}-${new Date(clock.now()).toISOString().replace(/[:.]/g, '-')}`);
      const manifest = await exportVisit(
        { store, footage: footageRepo(store.db, () => clock.now()), site: config.site, clock, dataDir },
        { bookingId: request.params.id, outDir, actor, ...(request.user?.role === 'safeguarding-lead' ? { signOffBy: actor } : {}) },
      );
      return { outDir, manifest };
    },
  );
};
