/** esp-rfid dialect against the simulated firmware on the embedded broker. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmbeddedBroker } from '../../devices/mqtt-broker/index.js';
import { EspRfidController } from '../../simulators/mqtt-door/index.js';
import { embeddedBroker, espReaders, sleep, startDriver, until, type DriverHarness } from './helpers.js';

const TOPIC = 'esp-rfid/gate-a';
const IP = '192.168.50.11';
const DOOR = 'gate-a';
const hour = 3_600_000;

describe('esp-rfid on the embedded broker', () => {
  let broker: EmbeddedBroker;
  let harness: DriverHarness | undefined;
  let sim: EspRfidController;

  const start = async (heartbeatPeriodMs?: number) => {
    harness = await startDriver(broker.url, espReaders(TOPIC, IP, DOOR), {
      espRfid: { listQuietMs: 200, localGrantWindowMs: 1000, ...(heartbeatPeriodMs ? { heartbeatPeriodMs, heartbeatMarginMs: 100 } : {}) },
    });
    return harness;
  };

  beforeEach(async () => {
    broker = await embeddedBroker();
    sim = new EspRfidController({ url: broker.url, topic: TOPIC, ip: IP, doors: [DOOR], relaySeconds: 1, heartbeatMs: 200 });
    await sim.start();
  });

  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
    await sim.stop();
    await broker.close();
  });

  it('reports a card uid as-is (case-sensitive) and opens with opendoor carrying the doorip', async () => {
    const h = await start();
    sim.presentCard('A1b2C3d4');
    const e = await h.waitFor((x) => x.type === 'credential-presented');
    expect(e).toMatchObject({ readerId: `${DOOR}-in`, doorId: DOOR, credential: { kind: 'card', id: 'A1b2C3d4' } });
    const opened = sim.relay.expectUnlock(DOOR);
    h.driver.execute({ type: 'unlock', doorId: DOOR, seconds: 5, commandId: 'u1', expiresAt: Date.now() + 3000 });
    expect((await opened).cause).toBe('opendoor');
    expect(sim.droppedWrongIp).toBe(0);
    expect(sim.reboots).toBe(0);
    // The opendoor confirmation (username MQTT, uid " ") is not a card presentation.
    await sleep(200);
    expect(h.events.filter((x) => x.type === 'credential-presented')).toHaveLength(1);
  });

  it('pushes credentials with their window; the device opens for them even with the daemon stopped', async () => {
    const h = await start();
    const now = Date.now();
    await until(() => h.driver.credentialState(DOOR)?.listing === false, 3000, 'first reconciliation over');
    const result = h.driver.syncCredentials(DOOR, [
      { uid: 'visitor42', user: 'Visitor 42', validFrom: now - hour, validUntil: now + hour },
      { uid: 'early', user: 'Early', validFrom: now + hour, validUntil: now + 2 * hour },
      { uid: 'x'.repeat(20), user: 'Too long', validFrom: now, validUntil: now + hour },
    ]);
    expect(result).toMatchObject({ added: 2, deleted: 0, deferred: false });
    expect(result?.rejected.map((r) => r.uid)).toEqual(['x'.repeat(20)]);
    await until(() => sim.users.size === 2 && h.driver.credentialState(DOOR)?.acksPending === 0, 3000, 'users stored and acked');
    const stored = sim.users.get('visitor42')!.raw;
    for (const v of Object.values(stored)) expect(typeof v).toBe('string');
    expect(Number(stored.validuntil)).toBe(Math.floor((now + hour) / 1000));
    await h.stop();
    harness = undefined;
    const opened = sim.relay.expectUnlock(DOOR);
    expect(sim.presentCard('visitor42')).toBe('Always');
    expect((await opened).cause).toBe('local');
    expect(sim.presentCard('early')).toBe('Expired');
    expect(sim.presentCard('VISITOR42')).toBe('Denied');
    expect(sim.relay.unlocks).toHaveLength(1);
  });

  it('deletes a credential once it is no longer wanted and reconciles after a device reboot', async () => {
    const h = await start();
    const now = Date.now();
    h.driver.syncCredentials(DOOR, [
      { uid: 'keep', user: 'K', validFrom: now, validUntil: now + hour },
      { uid: 'gone', user: 'G', validFrom: now, validUntil: now + hour },
    ]);
    await until(() => sim.users.size === 2 && !h.driver.credentialState(DOOR)?.listing, 3000, 'two users, listing over');
    expect(h.driver.syncCredentials(DOOR, [{ uid: 'keep', user: 'K', validFrom: now, validUntil: now + hour }])).toMatchObject({ added: 0, deleted: 1, deferred: false });
    await until(() => !sim.users.has('gone'), 3000, 'deletuid');
    // Behind the daemon's back: a stray card appears and the wanted one vanishes (e.g. a reflash).
    sim.users.delete('keep');
    sim.users.set('stray', { uid: 'stray', user: 'S', acctype: '1', validsince: '0', validuntil: '4294967295', raw: { cmd: 'adduser', uid: 'stray', user: 'S', acctype: '1', validsince: '0', validuntil: '4294967295', doorip: IP } });
    sim['client']?.stream.destroy(); // the device reconnects and sends boot
    await until(() => sim.users.has('keep') && !sim.users.has('stray'), 5000, 'reconciled');
    expect(h.driver.credentialState(DOOR)?.believed).toEqual(['keep']);
  });

  it('drops an expired or repeated unlock, and one right after the device granted locally', async () => {
    const h = await start();
    h.driver.execute({ type: 'unlock', doorId: DOOR, seconds: 5, commandId: 'old', expiresAt: Date.now() - 1 });
    h.driver.syncCredentials(DOOR, [{ uid: 'v', user: 'V', validFrom: Date.now() - hour, validUntil: Date.now() + hour }]);
    await until(() => sim.users.has('v'), 3000, 'user');
    sim.presentCard('v');
    await h.waitFor((e) => e.type === 'credential-presented');
    h.driver.execute({ type: 'unlock', doorId: DOOR, seconds: 5, commandId: 'after-local', expiresAt: Date.now() + 3000 });
    await sleep(300);
    expect(sim.relay.unlocks.map((u) => u.cause)).toEqual(['local']);
    expect(h.driver.stats().commands).toMatchObject({ 'dropped-expired': 1, 'suppressed-local-grant': 1 });
  });

  it('lockdown wipes pushed users so nobody opens locally, and lifting it pushes them back', async () => {
    const h = await start();
    h.driver.syncCredentials(DOOR, [{ uid: 'v', user: 'V', validFrom: Date.now() - hour, validUntil: Date.now() + hour }]);
    await until(() => sim.users.has('v'), 3000, 'user');
    h.driver.execute({ type: 'lockdown', active: true, commandId: 'ld' });
    await until(() => sim.users.size === 0, 3000, 'wiped');
    expect(sim.presentCard('v')).toBe('Denied');
    h.driver.execute({ type: 'lockdown', active: false, commandId: 'ld-off' });
    await until(() => sim.users.has('v'), 3000, 'restored');
  });

  it('marks the device offline after missed heartbeats and online again on the next message', async () => {
    const h = await start(200);
    await h.waitFor((e) => e.type === 'device-availability' && e.deviceId === TOPIC && e.online);
    await sim.stop();
    const off = await h.waitFor((e) => e.type === 'device-availability' && e.deviceId === TOPIC && !e.online, 3000);
    expect(off.type === 'device-availability' && off.reason).toMatch(/missed heartbeats/);
    await sim.start();
    await until(() => h.events.filter((e) => e.type === 'device-availability' && e.deviceId === TOPIC && e.online).length === 2, 3000, 'online again');
  });
});
