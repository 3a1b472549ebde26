/** The site description the daemon runs (zones, doors, rooms, entrances, cameras), without secrets. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const siteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/site', { schema: { tags: ['site'], summary: 'The site as configured' } }, async () => {
    const { site } = app.ctx.config;
    return {
      id: site.id,
      name: site.name,
      timezone: site.timezone,
      openingHours: site.openingHours,
      zones: site.zones,
      rooms: site.rooms,
      entrances: site.entrances,
      doors: site.doors.map((d) => ({ id: d.id, name: d.name, from: d.from, to: d.to, readers: d.readers.map((r) => ({ id: r.id, side: r.side, kind: r.controller.kind })) })),
      cameras: site.cameras.map((c) => ({ id: c.id, name: c.name, zones: c.zones })),
    };
  });
};
