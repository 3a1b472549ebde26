/**
 * Live view through the route with real ffmpeg: one MPEG-1 feed per camera shared by its
 * viewers, started with the first and stopped after the last; only floor roles may watch;
 * every view audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import WebSocket from 'ws';
import pino from 'pino';
import type { AuditEntry } from '../../src/audit/log.js';
import type { User } from '../../src/store/repos/users.js';
import '../../src/api/context.js';
import { createLiveHub, type LiveHub } from '../../src/footage/live.js';
import { liveCameraRoutes } from '../../src/footage/live-route.js';
import { RtspTestServer } from '../../simulators/onvif/rtsp-stream.js';
import { requireVideoTools, until } from '../recorder/tools.js';

const have = requireVideoTools();

describe.skipIf(!have)('live view route', () => {
  let rtsp: RtspTestServer;
  let app: FastifyInstance;
  let hub: LiveHub;
  let url: string;
  const audit: AuditEntry[] = [];
  beforeAll(async () => {
    rtsp = new RtspTestServer({ mounts: ['cam-live'] });
    await rtsp.start();
    rtsp.publish({ name: 'cam-live' });
    await new Promise((r) => setTimeout(r, 2000));
    hub = createLiveHub({ streamUri: (id) => (id === 'cam-live' ? rtsp.uri('cam-live') : undefined), logger: pino({ level: 'silent' }) });
    app = Fastify();
    await app.register(websocket);
    app.decorateRequest('user', null);
    // Stands in for the daemon's auth hook, which puts the signed-in user on the request.
    app.addHook('onRequest', async (request) => {
      const role = request.headers['x-test-role'];
      request.user = typeof role === 'string' ? ({ id: 'u1', username: `${role}1`, role } as unknown as User) : null;
    });
    await app.register(liveCameraRoutes({ hub, cameraIds: ['cam-live', 'cam-dark'], audit: { append: (e) => audit.push(e) }, now: () => Date.now() }));
    url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
  }, 30_000);
  afterAll(async () => {
    hub.stopAll();
    await app.close();
    await rtsp.stop();
  });

  const open = (path: string, role: string) => {
    const ws = new WebSocket(`${url}${path}`, { headers: { 'x-test-role': role } });
    const chunks: Buffer[] = [];
    let closeCode: number | undefined;
    ws.on('message', (d: Buffer) => chunks.push(d));
    ws.on('close', (code) => (closeCode = code));
    return { ws, chunks, closed: () => closeCode };
  };

  it('streams the JSMpeg header then MPEG-TS, one ffmpeg for two viewers, stopped after the last', async () => {
    const a = open('/live/cameras/cam-live', 'reception');
    await until(() => a.chunks.length > 3, 30_000);
    expect(a.chunks[0]!.subarray(0, 4).toString()).toBe('jsmp');
    expect(a.chunks[0]!.readUInt16BE(4)).toBe(320);
    expect(a.chunks[1]![0]).toBe(0x47); // MPEG-TS sync byte
    const pid = hub.pid('cam-live');
    const b = open('/live/cameras/cam-live', 'manager');
    await until(() => b.chunks.length > 2, 30_000);
    expect(hub.viewers('cam-live')).toBe(2);
    expect(hub.pid('cam-live')).toBe(pid);
    a.ws.close();
    await until(() => hub.viewers('cam-live') === 1);
    expect(hub.running('cam-live')).toBe(true);
    b.ws.close();
    await until(() => !hub.running('cam-live'));
    const alive = () => {
      try {
        process.kill(pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => !alive(), 10_000);
    expect(audit.filter((e) => e.action === 'footage.view').map((e) => e.actor)).toEqual(['user:reception1', 'user:manager1']);
    expect(audit.filter((e) => e.action === 'footage.view-end')).toHaveLength(2);
  }, 60_000);

  it('refuses the admin role, unknown cameras and cameras without a stream', async () => {
    const admin = open('/live/cameras/cam-live', 'admin');
    await until(() => admin.closed());
    expect(admin.closed()).toBe(4403);
    const unknown = open('/live/cameras/nope', 'reception');
    await until(() => unknown.closed());
    expect(unknown.closed()).toBe(4404);
    const dark = open('/live/cameras/cam-dark', 'reception');
    await until(() => dark.closed());
    expect(dark.closed()).toBe(4503);
    expect(hub.running('cam-dark')).toBe(false);
  }, 20_000);
});
