/**
 * The live feed's catch-up (docs/live.md): a dashboard that blinked off asks for what came
 * after the last number it saw and gets exactly those messages in order, or is told to
 * reload when some of them are no longer held; holding is a ring, so it keeps working
 * long after the feed first filled up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { liveFeed, type LiveMessage } from '../../src/services/live-feed.js';
import { buildTestApi, type TestApi } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
  removeTempDirs();
});

/** A feed holding `keep` messages on the daemon's real bus and access engine, and a way to post notices to it. */
async function feedOf(keep: number) {
  api = await buildTestApi();
  const { bus, access } = api.services;
  const feed = liveFeed({ bus, access, now: () => api!.clock.now(), keep });
  feed.start();
  const notice = (n: number) => bus.emit('reception-notice', { type: 'notify-reception', kind: 'early', text: `notice ${n}`, at: n });
  return { feed, notice };
}

const texts = (messages: LiveMessage[]) => messages.map((m) => (m.data as { text: string }).text);

describe('live feed catch-up', () => {
  it('replays what came after a number, in order, while it is held', async () => {
    const { feed, notice } = await feedOf(5);
    expect(feed.since(0)).toEqual({ seq: 0, resync: false, messages: [] });
    for (let n = 1; n <= 3; n++) notice(n);
    const replay = feed.since(1);
    expect(replay.resync).toBe(false);
    expect(replay.seq).toBe(3);
    expect(replay.messages.map((m) => m.seq)).toEqual([2, 3]);
    expect(texts(replay.messages)).toEqual(['notice 2', 'notice 3']);
    expect(feed.since(3).messages).toEqual([]);
    expect(feed.since(undefined)).toEqual({ seq: 3, resync: false, messages: [] });
  });

  it('keeps the newest messages once full, and asks for a reload when older ones were missed', async () => {
    const { feed, notice } = await feedOf(5);
    // Several times round the ring.
    for (let n = 1; n <= 23; n++) notice(n);
    // Held: 19..23. A page that saw 18 misses nothing held; one that saw 17 missed 18.
    const caughtUp = feed.since(18);
    expect(caughtUp.resync).toBe(false);
    expect(caughtUp.messages.map((m) => m.seq)).toEqual([19, 20, 21, 22, 23]);
    expect(texts(caughtUp.messages)).toEqual(['notice 19', 'notice 20', 'notice 21', 'notice 22', 'notice 23']);
    expect(feed.since(21).messages.map((m) => m.seq)).toEqual([22, 23]);
    expect(feed.since(17)).toEqual({ seq: 23, resync: true, messages: [] });
    expect(feed.since(0).resync).toBe(true);
  });

  it('asks for a reload when the page saw numbers this feed never gave (the daemon restarted)', async () => {
    const { feed, notice } = await feedOf(5);
    notice(1);
    expect(feed.since(40)).toEqual({ seq: 1, resync: true, messages: [] });
  });

  it('hands each listener the message and its JSON, and holds what was sent while nobody listened', async () => {
    const { feed, notice } = await feedOf(5);
    notice(1);
    const heard: [LiveMessage, string][] = [];
    const off = feed.subscribe((m, json) => heard.push([m, json]));
    notice(2);
    off();
    notice(3);
    expect(heard).toHaveLength(1);
    expect(heard[0]![0].seq).toBe(2);
    expect(JSON.parse(heard[0]![1])).toEqual({ seq: 2, type: 'notice', at: 2, data: { kind: 'early', text: 'notice 2' } });
    // Messages sent while nobody listened are still held for catching up.
    expect(texts(feed.since(0).messages)).toEqual(['notice 1', 'notice 2', 'notice 3']);
  });
});
