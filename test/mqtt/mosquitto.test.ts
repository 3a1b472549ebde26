/**
 * The driver against Mosquitto, including a broker restart mid-day: QoS 1 events
 * published during the outage arrive exactly once, and nothing unlocks twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OwnDialectController } from '../../simulators/mqtt-door/index.js';
import { ownReaders, PREFIX, SITE, startDriver, until, type DriverHarness } from './helpers.js';
import { mosquitto, mosquittoAvailable, MOSQUITTO_HINT, type Mosquitto } from '../../simulators/mqtt-broker/mosquitto.js';

const have = mosquittoAvailable();
if (!have && process.env.CI) throw new Error(`${MOSQUITTO_HINT} (required under CI)`);
if (!have) console.warn(`skipping Mosquitto tests: ${MOSQUITTO_HINT}`);

describe.skipIf(!have)('against Mosquitto', () => {
  let broker: Mosquitto;
  let sim: OwnDialectController;
  let harness: DriverHarness;

  beforeEach(async () => {
    broker = await mosquitto();
    await broker.start();
    sim = new OwnDialectController({ url: broker.url, topicPrefix: PREFIX, siteId: SITE, deviceId: 'front-b', readers: new Map([['front-b-in', 'front-b']]) });
    await sim.start();
    harness = await startDriver(broker.url, ownReaders('front-b', 'front-b'), { clientId: 'contactd-mosq-test' });
    await harness.waitFor((e) => e.type === 'device-availability' && e.deviceId === 'front-b' && e.online);
  });

  afterEach(async () => {
    await harness.stop();
    await sim.stop().catch(() => undefined);
    await broker.stop();
  });

  it('carries credentials and unlocks', async () => {
    sim.presentCard('front-b-in', 'abc');
    await harness.waitFor((e) => e.type === 'credential-presented');
    const opened = sim.relay.expectUnlock('front-b');
    harness.driver.execute({ type: 'unlock', doorId: 'front-b', seconds: 1, commandId: 'm1', expiresAt: Date.now() + 3000 });
    expect((await opened).cause).toBe('m1');
  });

  it('a broker restart loses no events and causes no extra unlock', async () => {
    sim.presentCard('front-b-in', 'before');
    await harness.waitFor((e) => e.type === 'credential-presented' && e.credential.kind === 'card' && e.credential.id === 'before');
    harness.driver.execute({ type: 'unlock', doorId: 'front-b', seconds: 1, commandId: 'r1', expiresAt: Date.now() + 3000 });
    await sim.relay.expectUnlock('front-b');

    await broker.stop();
    await until(() => !harness.client.connected, 3000, 'driver sees the outage');
    sim.presentCard('front-b-in', 'during'); // queued by the controller (QoS 1)
    // An unlock decided while the broker is away is dropped, never queued for later.
    harness.driver.execute({ type: 'unlock', doorId: 'front-b', seconds: 1, commandId: 'r2', expiresAt: Date.now() + 3000 });
    expect(harness.driver.stats().commands['dropped-disconnected']).toBe(1);
    await broker.start();

    await harness.waitFor((e) => e.type === 'credential-presented' && e.credential.kind === 'card' && e.credential.id === 'during', 8000);
    await sim.relay.expectNoUnlock('front-b', 500);
    const cards = harness.events.flatMap((e) => (e.type === 'credential-presented' && e.credential.kind === 'card' ? [e.credential.id] : []));
    expect(cards).toEqual(['before', 'during']);
    expect(sim.relay.unlocks.map((u) => u.cause)).toEqual(['r1']);
    // Still fully working after the restart.
    const opened = sim.relay.expectUnlock('front-b', 3000);
    harness.driver.execute({ type: 'unlock', doorId: 'front-b', seconds: 1, commandId: 'r3', expiresAt: Date.now() + 3000 });
    expect((await opened).cause).toBe('r3');
  });
});
