/**
 * Fail secure at start: when the saved access state cannot be read, the daemon must not
 * take it that nobody is inside. Everyone booked is possibly anywhere, so a door that
 * could bring the keep-apart parents together is held, reception gets a critical alert,
 * and confirming a parent's whereabouts lets the door work again.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ManualClock } from '../../src/clock.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { openStore } from '../../src/store/store.js';
import { bookedDay, MIN, START, stopDay, type BookedDay } from '../helpers/daemon.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let day: BookedDay | undefined;
let restarted: RunningDaemon | undefined;
afterEach(async () => {
  await restarted?.stop();
  await stopDay(day);
  restarted = undefined;
  day = undefined;
});
afterAll(removeTempDirs);

/** The visiting parent's card at their own gate, inside their arrival window. */
function arrive(d: RunningDaemon, b: BookedDay) {
  const w = b.window(b.visiting.id, 'gate-b');
  const reader = b.config.site.doors.find((x) => x.id === 'gate-b')!.readers.find((r) => r.side === 'from')!;
  return d.services.access.handle({ type: 'credential-presented', readerId: reader.id, doorId: 'gate-b', credential: { kind: 'card', id: 'c0ffee01' }, at: w.windowStart });
}

/** An entry of the saved state that no longer parses (a torn write, a bad edit). */
function tear(dataDir: string, clock: ManualClock, personId: string): void {
  const store = openStore(dataDir, clock);
  store.db.prepare("INSERT OR REPLACE INTO access_state (map, key, value) VALUES ('possible', ?, '{torn')").run(personId);
  store.close();
}

describe('access state unreadable at start', () => {
  it('holds keep-apart doors and alerts reception until whereabouts are confirmed', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock(START - 60 * MIN);
    day = await bookedDay(clock, { dataDir });
    clock.set(day.window(day.visiting.id, 'gate-b').windowStart);
    // With the state known (nobody inside), the visiting parent's arrival is granted.
    expect(arrive(day.daemon, day).decision).toMatchObject({ outcome: 'granted', code: 'MOVEMENT' });
    await day.daemon.services.access.settled();
    const b = day;
    await stopDay(day);
    day = undefined;

    tear(dataDir, clock, b.resident.id);

    restarted = await startDaemon({ config: b.config, configFile: 'test', clock, logger: pino({ level: 'silent' }) });
    const alerts = restarted.services.store.alerts.list({ state: 'open' }).filter((a) => a.kind === 'whereabouts-unknown');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'critical' });
    const held = arrive(restarted, b);
    expect(held.decision).toMatchObject({ outcome: 'held', code: 'KEEP_APART_HOLD' });
    expect(held.effects.some((e) => e.type === 'door' && e.command.type === 'unlock')).toBe(false);

    // Reception sees on camera that the resident parent is not on site yet.
    const staffId = Object.keys(restarted.services.access.state().ctx.staff)[0]!;
    await restarted.services.access.act({ type: 'confirm-whereabouts', staffId, personId: b.resident.id, zoneId: 'outside', at: clock.now() });
    expect(arrive(restarted, b).decision).toMatchObject({ outcome: 'granted' });

    // The replacement state was saved: a second start reads it and raises nothing new.
    await restarted.services.access.settled();
    await restarted.stop();
    restarted = await startDaemon({ config: b.config, configFile: 'test', clock, logger: pino({ level: 'silent' }) });
    expect(restarted.services.store.alerts.list({ state: 'open' }).filter((a) => a.kind === 'whereabouts-unknown')).toHaveLength(1);
  });

  it('keeps a lockdown that is still open in the alerts', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock(START - 60 * MIN);
    day = await bookedDay(clock, { dataDir });
    const managerId = Object.keys(day.daemon.services.access.state().ctx.staff)[0]!;
    await day.daemon.services.access.act({ type: 'lockdown', active: true, managerId, reason: 'drill', at: clock.now() });
    const b = day;
    await stopDay(day);
    day = undefined;
    tear(dataDir, clock, b.resident.id);

    restarted = await startDaemon({ config: b.config, configFile: 'test', clock, logger: pino({ level: 'silent' }) });
    expect(restarted.services.access.state().lockdown).toBe(true);
    expect(restarted.services.store.alerts.list({ state: 'open' }).map((a) => a.kind)).toEqual(expect.arrayContaining(['lockdown', 'whereabouts-unknown']));
  });
});
