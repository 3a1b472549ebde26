/**
 * GET /live/cameras/:id as a WebSocket of MPEG-1 video for JSMpeg. Served only here,
 * behind the daemon's auth hook (a session is required on /live paths); the roles that
 * work the floor may watch (not the admin role), and every view is audited.
 */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffRole } from '../domain/model.js';
import type { AuditEntry } from '../audit/log.js';
import type { LiveHub } from './live.js';

export const LIVE_VIEW_ROLES: readonly StaffRole[] = ['reception', 'supervisor', 'manager', 'safeguarding-lead'];

export interface LiveRouteDeps {
  hub: LiveHub;
  cameraIds: readonly string[];
  audit: { append(entry: AuditEntry): unknown };
  now: () => number;
}

export function liveCameraRoutes(deps: LiveRouteDeps): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/live/cameras/:id',
      { websocket: true, schema: { tags: ['live'], summary: 'Live MPEG-1 video of one camera for JSMpeg (WebSocket)', params: Type.Object({ id: Type.String({ maxLength: 63 }) }) } },
      (socket, request) => {
        const { id } = request.params as { id: string };
        const user = request.user;
        if (!user || !LIVE_VIEW_ROLES.includes(user.role)) {
          socket.close(4403, 'forbidden');
          return;
        }
        if (!deps.cameraIds.includes(id)) {
          socket.close(4404, 'no such camera');
          return;
        }
        const actor = `user:${user.username}`;
        const startedAt = deps.now();
        const stop = deps.hub.watch(id, {
          send: (data) => {
            // Slow viewers drop data rather than buffer it without bound.
            if (socket.readyState === socket.OPEN && socket.bufferedAmount < 4 * 1024 * 1024) socket.send(data);
          },
        });
        if (!stop) {
          socket.close(4503, 'camera not connected');
          return;
        }
        deps.audit.append({ actor, action: 'footage.view', subject: `camera:${id}`, details: { live: true, startedAt } });
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          stop();
          deps.audit.append({ actor, action: 'footage.view-end', subject: `camera:${id}`, details: { live: true, seconds: Math.round((deps.now() - startedAt) / 1000) } });
        };
        socket.on('close', end);
        socket.on('error', end);
        socket.on('message', () => undefined);
      },
    );
  };
}
