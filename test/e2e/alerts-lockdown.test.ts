/**
 * Alerts and lockdown through the real daemon: a panic button on a simulated controller
 * reaches the live channel and the database; escalation fires on time under the test
 * clock and drives the MQTT sounder; an alert survives a daemon that dies right after
 * raising it; lockdown denies a booked visitor, admits staff, and only a manager lifts it.
 */
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ManualClock } from '../../src/clock.js';
import { startDaemon } from '../../src/daemon.js';
import { openStore } from '../../src/store/store.js';
import type { OwnDialectController } from '../../simulators/mqtt-door/index.js';
import { bookedDay, MIN, START, stopDay, waitFor, type BookedDay } from '../helpers/daemon.js';
import { testConfig } from '../helpers/config.js';
import { signIn } from '../helpers/http.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let day: BookedDay | undefined;
afterEach(async () => {
  await stopDay(day);
  day = undefined;
});
afterAll(removeTempDirs);

describe('alerts', () => {
  it('a panic button reaches the live channel at once, escalates on time, and stops escalating when acknowledged', async () => {
    const clock = new ManualClock(START - 60 * MIN);
    day = await bookedDay(clock);
    const reception = await signIn(day.daemon, 'rita', 'reception');
    const live = await reception.live();
    const sounder: { active: boolean }[] = [];
    const listener = await mqtt.connectAsync(day.daemon.hardware.brokerUrl()!);
    await listener.subscribeAsync('contactd/demo-centre/_alerts/sounder');
    listener.on('message', (_t, p) => sounder.push(JSON.parse(String(p))));

    (day.sims.own.get('reception') as OwnDialectController).pressPanic('reception');
    const raised = await live.next((m) => m.type === 'alert' && m.data.kind === 'panic');
    expect(raised.data).toMatchObject({ severity: 'critical', source: 'access' });
    expect(day.daemon.services.store.alerts.get(raised.data.id)).toBeDefined();

    const escalateMs = day.config.settings.alerts.escalateAfterSeconds * 1000;
    clock.advance(escalateMs - 1000);
    expect(day.daemon.services.store.alerts.get(raised.data.id)!.escalations).toBe(0);
    clock.advance(2000);
    expect(day.daemon.services.store.alerts.get(raised.data.id)!.escalations).toBe(1);
    await live.next((m) => m.type === 'alert' && m.data.id === raised.data.id && m.data.escalations === 1);
    await waitFor('sounder on', () => sounder.find((s) => s.active));

    const ack = await reception.request('POST', `/api/alerts/${raised.data.id}/ack`);
    expect(ack.status).toBe(200);
    expect(ack.json.acknowledgedBy).toBe('user:rita');
    await waitFor('sounder off', () => sounder.length > 0 && sounder[sounder.length - 1]!.active === false);
    clock.advance(10 * 60_000);
    expect(day.daemon.services.store.alerts.get(raised.data.id)!.escalations).toBe(1);

    const resolved = await reception.request('POST', `/api/alerts/${raised.data.id}/resolve`, { note: 'child pressed it by mistake' });
    expect(resolved.json).toMatchObject({ note: 'child pressed it by mistake' });
    const stillOpen = (await reception.request('GET', '/api/alerts?state=open')).json.alerts as { kind: string }[];
    expect(stillOpen.filter((a) => a.kind === 'panic')).toEqual([]);
    live.close();
    await listener.endAsync();
  });

  it('an alert raised just before the daemon dies is there after restart, and escalates again', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock(START - 60 * MIN);
    day = await bookedDay(clock, { dataDir });
    const alert = day.daemon.services.alerts.raise({ kind: 'door-forced', severity: 'critical', text: 'Front door B was forced open.', source: 'access', doorId: 'front-b' });
    // A crash right after raise() returns: the record is already committed (another connection sees it).
    expect(openStore(dataDir, clock).alerts.get(alert.id)).toMatchObject({ text: 'Front door B was forced open.' });
    await stopDay(day);
    day = undefined;

    const restarted = await startDaemon({ config: testConfig(dataDir, (raw) => (raw.settings.mqtt.embeddedPort = 0)), configFile: 'test', clock, logger: pino({ level: 'silent' }) });
    try {
      const reception = await signIn(restarted, 'rita', 'reception');
      const open = await reception.request('GET', '/api/alerts?state=open');
      expect(open.json.alerts.map((a: { id: string }) => a.id)).toContain(alert.id);
      clock.advance(restarted.services.config.settings.alerts.escalateAfterSeconds * 1000 + 1000);
      expect(restarted.services.store.alerts.get(alert.id)!.escalations).toBeGreaterThanOrEqual(1);
    } finally {
      await restarted.stop();
    }
  });

  it('raises one alert for a burst of refused attempts at a door', async () => {
    const clock = new ManualClock(START - 60 * MIN);
    day = await bookedDay(clock);
    const gate = day.sims.own.get('gate-b') as OwnDialectController;
    for (let i = 0; i < 6; i++) {
      gate.presentCard('gate-b-in', `deadbe${i}${i}`);
      await waitFor(`denial ${i}`, () => day!.daemon.services.store.decisions.list({ doorId: 'gate-b', limit: 20 }).length > i);
    }
    const alerts = day.daemon.services.store.alerts.list({ state: 'open' }).filter((a) => a.kind === 'denial-burst');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ doorId: 'gate-b', severity: 'warning' });
  });
});

describe('lockdown', () => {
  it('denies a booked visitor, admits staff, shows on every screen, and is lifted only by a manager', async () => {
    const clock = new ManualClock(START - 3 * 60 * MIN);
    day = await bookedDay(clock);
    const reception = await signIn(day.daemon, 'rita', 'reception');
    const manager = await signIn(day.daemon, 'mo', 'manager');
    const screen = await manager.live();

    const started = await reception.request('POST', '/api/lockdown', { active: true, reason: 'unknown man at gate B' });
    expect(started.status).toBe(200);
    expect(started.json.lockdown).toBe(true);
    await screen.next((m) => m.type === 'lockdown' && m.data.active === true);
    await screen.next((m) => m.type === 'alert' && m.data.kind === 'lockdown');

    const arrival = day.window(day.visiting.id, 'gate-b');
    clock.set(arrival.windowStart + MIN);
    const gateB = day.sims.own.get('gate-b') as OwnDialectController;
    const denied = gateB.relay.expectNoUnlock('gate-b', 700);
    gateB.presentCard('gate-b-in', 'c0ffee01');
    await denied;
    await waitFor('lockdown denial', () => day!.daemon.services.store.decisions.list({ doorId: 'gate-b', limit: 5 }).find((d) => d.code === 'LOCKDOWN'));

    const staffDoor = day.sims.own.get('staff') as OwnDialectController;
    const admitted = staffDoor.relay.expectUnlock('staff', 3000);
    staffDoor.presentCard('staff-in', '5af00001');
    await admitted;

    const refused = await reception.request('POST', '/api/lockdown', { active: false, reason: 'looks fine' });
    expect(refused.status).toBe(403);
    expect(day.daemon.services.access.state().lockdown).toBe(true);
    const lifted = await manager.request('POST', '/api/lockdown', { active: false, reason: 'police attended, all clear' });
    expect(lifted.json.lockdown).toBe(false);
    await screen.next((m) => m.type === 'lockdown' && m.data.active === false);
    expect(day.daemon.services.store.alerts.list({ state: 'open' }).filter((a) => a.kind === 'lockdown')).toEqual([]);
    const audit = day.daemon.services.store.audit.list({ limit: 50 }).map((r) => r.action);
    expect(audit).toEqual(expect.arrayContaining(['door.lockdown', 'alert.raise', 'alert.resolve']));
    screen.close();
  });
});
