/** The live WebSocket for dashboards (docs/live.md): hello, replay since `since`, then live messages. */
import Type from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { live } = app.ctx;
  app.get(
    '/api/live',
    {
      websocket: true,
      schema: { tags: ['live'], summary: 'WebSocket of live changes; ?since=SEQ replays what a page missed', querystring: Type.Object({ since: Type.Optional(Type.Integer({ minimum: 0 })) }) },
    },
    (socket, request) => {
      const since = (request.query as { since?: number }).since;
      const send = (m: unknown, json = JSON.stringify(m)) => {
        if (socket.readyState === socket.OPEN) socket.send(json);
      };
      // Subscribe first so nothing falls between the replay and the live stream; drop duplicates by seq.
      let last = 0;
      const buffered: { m: { seq: number }; json: string }[] = [];
      let replaying = true;
      const unsubscribe = live.subscribe((m, json) => {
        if (replaying) buffered.push({ m, json });
        else if (m.seq > last) {
          last = m.seq;
          send(m, json);
        }
      });
      const replay = live.since(since);
      send({ type: 'hello', seq: replay.seq, replayed: replay.messages.length, resync: replay.resync });
      last = replay.seq;
      for (const m of replay.messages) send(m);
      replaying = false;
      for (const { m, json } of buffered) {
        if (m.seq <= last) continue;
        last = m.seq;
        send(m, json);
      }
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
      socket.on('message', () => undefined);
    },
  );
};
