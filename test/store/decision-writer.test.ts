/**
 * The decision writer commits device decisions and access-state changes off the event
 * loop, in order, and loses nothing when its thread cannot run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { ManualClock } from '../../src/clock.js';
import { snapshotPatch, type AccessSnapshot } from '../../src/domain/access-snapshot.js';
import { batchDelayMs, createDecisionWriter, type DecisionWriter } from '../../src/store/decision-writer.js';
import { openStore, type Store } from '../../src/store/store.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const logger = pino({ level: 'silent' });
const EMPTY: AccessSnapshot = { possible: {}, doors: {}, passages: {}, lockdown: false, seq: 0 };

let store: Store | undefined;
let writer: DecisionWriter | undefined;
afterEach(async () => {
  await writer?.close();
  store?.close();
  writer = undefined;
  store = undefined;
  removeTempDirs();
});

function setUp(opts: { thread?: boolean; file?: string; batchSpacingMs?: number } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 9));
  store = openStore(tempDir(), clock);
  writer = createDecisionWriter({ store, now: () => clock.now(), logger, ...opts });
  return { store, writer };
}

/** Writes `n` decisions over several event-loop turns, each moving person p<i> into zone z<i>. */
async function writeDecisions(w: DecisionWriter, n: number): Promise<AccessSnapshot> {
  let state = EMPTY;
  for (let i = 0; i < n; i++) {
    const next: AccessSnapshot = { ...state, possible: { ...state.possible, [`p${i % 7}`]: [`z${i}`] }, seq: state.seq + 1 };
    w.record({ at: 1000 + i, doorId: `d${i % 5}`, outcome: 'granted', code: 'OK', reason: `tap ${i}` });
    w.patch(snapshotPatch(state, next)!);
    state = next;
    if (i % 10 === 9) await new Promise((r) => setImmediate(r));
  }
  await w.settled();
  return state;
}

describe('decision writer', () => {
  it('gathers a batch for the window after a quiet spell, and spaces batches out under a stream', () => {
    expect(batchDelayMs(1000, undefined, 4, 20)).toBe(4);
    expect(batchDelayMs(1000, 900, 4, 20)).toBe(4);
    expect(batchDelayMs(1000, 990, 4, 20)).toBe(10);
    expect(batchDelayMs(1000, 999, 4, 20)).toBe(19);
    expect(batchDelayMs(1000, 1000, 0, 0)).toBe(0);
  });

  it('commits a stream of decisions in fewer batches than decisions, in order, losing none', async () => {
    const { store, writer } = setUp({ batchSpacingMs: 200 });
    let state = EMPTY;
    // One decision every 6 ms: longer than the 4-ms window, so without spacing each would be a batch of its own.
    for (let i = 0; i < 10; i++) {
      const next: AccessSnapshot = { ...state, possible: { ...state.possible, [`p${i}`]: [`z${i}`] }, seq: state.seq + 1 };
      writer.record({ at: 1000 + i, doorId: 'd0', outcome: 'granted', code: 'OK', reason: `tap ${i}` });
      writer.patch(snapshotPatch(state, next)!);
      state = next;
      await new Promise((r) => setTimeout(r, 6));
    }
    await writer.settled();
    expect(writer.batches).toBeGreaterThanOrEqual(2);
    expect(writer.batches).toBeLessThanOrEqual(4);
    expect(store.decisions.list({ limit: 100 }).map((d) => d.reason).reverse()).toEqual(Array.from({ length: 10 }, (_, i) => `tap ${i}`));
    expect(store.accessState.load()).toEqual(state);
  });

  it('commits every decision in order and the final access state, on its own thread', async () => {
    const { store: s, writer: w } = setUp();
    expect(w.mode).toBe('worker');
    const final = await writeDecisions(w, 250);
    const rows = s.decisions.list({ limit: 1000 }).reverse();
    expect(rows.map((r) => r.reason)).toEqual(Array.from({ length: 250 }, (_, i) => `tap ${i}`));
    expect(s.accessState.load()).toEqual(final);
    expect(w.failedBatches).toBe(0);
  });

  it('writes on the main thread when the thread cannot open the database, losing nothing', async () => {
    const { store: s, writer: w } = setUp({ file: '/nonexistent/contactd/db.sqlite' });
    const final = await writeDecisions(w, 40);
    expect(w.mode).toBe('inline');
    expect(s.decisions.list({ limit: 1000 })).toHaveLength(40);
    expect(s.accessState.load()).toEqual(final);
  });

  it('counts and logs a batch that cannot be written, and goes on with the next', async () => {
    const { store: s, writer: w } = setUp({ thread: false });
    s.db.exec('ALTER TABLE access_decisions RENAME TO access_decisions_gone');
    w.record({ at: 1, outcome: 'granted', code: 'OK', reason: 'lost' });
    await w.settled();
    expect(w.failedBatches).toBe(1);
    s.db.exec('ALTER TABLE access_decisions_gone RENAME TO access_decisions');
    w.record({ at: 2, outcome: 'granted', code: 'OK', reason: 'kept' });
    await w.settled();
    expect(s.decisions.list().map((r) => r.reason)).toEqual(['kept']);
  });

  it('saving each patch in turn rebuilds the final state, one row per entry', () => {
    const clock = new ManualClock(0);
    store = openStore(tempDir(), clock);
    let state = EMPTY;
    for (let i = 0; i < 60; i++) {
      const possible = { ...state.possible };
      if (i % 4 === 3) delete possible[`p${i % 5}`];
      else possible[`p${i % 5}`] = [`z${i % 3}`, 'corridor'];
      const doors = i % 2 ? { ...state.doors, [`d${i % 3}`]: { open: i % 3 === 0, unlockedUntil: i } } : state.doors;
      const passages = i % 5 === 0 ? { ...state.passages, [`p${i % 5}|d${i % 3}`]: i } : state.passages;
      const next = { ...state, possible, doors, passages, lockdown: i % 11 === 0, seq: i } as AccessSnapshot;
      const patch = snapshotPatch(state, next);
      if (patch) store.accessState.apply(patch);
      state = next;
    }
    expect(store.accessState.load()).toEqual(state);
    const rows = store.db.prepare("SELECT count(*) AS n FROM access_state WHERE map != 'meta'").get() as { n: number };
    expect(rows.n).toBe(Object.keys(state.possible).length + Object.keys(state.doors).length + Object.keys(state.passages).length);
    expect(snapshotPatch(state, state)).toBeUndefined();
  });

  it('moves a state saved whole by an earlier version into rows, once', () => {
    const clock = new ManualClock(0);
    const dir = tempDir();
    store = openStore(dir, clock);
    const saved: AccessSnapshot = { possible: { p1: ['corridor', 'room-1'] }, doors: { d1: { open: true } } as never, passages: { 'p1|d1': 5 }, lockdown: true, seq: 41 };
    store.db.prepare("INSERT INTO kv (key, value, updated_at) VALUES ('access-state', ?, 0)").run(JSON.stringify(saved));
    expect(store.accessState.load()).toEqual(saved);
    expect(store.db.prepare("SELECT count(*) AS n FROM kv WHERE key = 'access-state'").get()).toEqual({ n: 0 });
    store.close();
    store = openStore(dir, clock);
    expect(store.accessState.load()).toEqual(saved);
  });

  it('has nothing to restore on a new database', () => {
    store = openStore(tempDir(), new ManualClock(0));
    expect(store.accessState.load()).toBeUndefined();
  });
});
