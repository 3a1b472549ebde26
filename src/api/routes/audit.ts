/** Reading and verifying the audit log. */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit records, newest first',
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
          action: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => app.ctx.store.audit.list(request.query),
  );
  app.get('/api/audit/verify', { schema: { tags: ['audit'], summary: 'Verify the whole hash chain' } }, async () => app.ctx.store.audit.verify());
};
