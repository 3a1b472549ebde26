import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import { createOsdpDriver, failureOf, type OsdpDriver } from '../../devices/osdp/driver.js';
import { osdpReadersFromSite } from '../../devices/osdp/driver-config.js';
import { getSimulatedOsdpBus, stopSimulatedOsdpBus, unplugSimulatedOsdpBus } from '../../simulators/osdp/index.js';
import { flush, silent } from './harness.js';
import type { SiteConfig } from '../../src/config/schema.js';

let driver: OsdpDriver | undefined;
let busId = '';
let n = 0;
afterEach(async () => {
  await driver?.stop();
  stopSimulatedOsdpBus(busId);
  driver = undefined;
});

async function startDemoDriver(extra: { panicInput?: number; lockdownInput?: number } = {}) {
  busId = `sim-test-${++n}`;
  const clock = new ManualClock(1_700_000_000_000);
  const events: DeviceEvent[] = [];
  driver = createOsdpDriver({
    buses: [{ id: busId, path: `sim:${busId}`, baudRate: 115200 }],
    readers: [
      { readerId: 'room-1-in', doorId: 'room-1', bus: busId, address: 5, output: 0, doorContactInput: 0, zoneId: 'corridor', ...extra },
      { readerId: 'room-1-out', doorId: 'room-1', bus: busId, address: 6, output: 0, doorContactInput: 0 },
    ],
    logger: silent,
    clock,
    protocolClock: clock,
  });
  driver.onEvent((e) => events.push(e));
  await driver.start();
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 5) {
      for (let i = 0; i < 4; i++) await flush();
      clock.advance(5);
    }
  };
  const online = () => events.filter((e) => e.type === 'device-availability' && e.deviceKind === 'reader' && e.online).length;
  for (let i = 0; i < 400 && online() < 2; i++) await run(5);
  expect(online()).toBe(2);
  const sim = getSimulatedOsdpBus(busId)!;
  return { clock, events, run, sim };
}

describe('OSDP driver on an in-process sim: bus', () => {
  it('reports a panic button and a lockdown switch wired to PD inputs, on the press only', async () => {
    const { events, run, sim } = await startDemoDriver({ panicInput: 2, lockdownInput: 3 });
    await run(300);
    expect(events.filter((e) => e.type === 'panic' || e.type === 'lockdown-input')).toEqual([]);
    sim.pd(5).setInput(2, true);
    await run(300);
    sim.pd(5).setInput(2, false);
    await run(300);
    sim.pd(5).setInput(3, true);
    await run(300);
    const alarms = events.filter((e) => e.type === 'panic' || e.type === 'lockdown-input');
    expect(alarms).toEqual([
      expect.objectContaining({ type: 'panic', sourceId: 'room-1-in', zoneId: 'corridor' }),
      expect.objectContaining({ type: 'lockdown-input', sourceId: 'room-1-in', active: true }),
    ]);
  });

  it('starts simulated PDs for the configured addresses and reports them online', async () => {
    const { sim } = await startDemoDriver();
    expect(sim.addresses.sort()).toEqual([5, 6]);
  });

  it('card -> credential-presented; unlock -> OUT on both PDs of the door and LED and BUZ on the granting reader', async () => {
    const { clock, events, run, sim } = await startDemoDriver();
    sim.pd(5).presentCard('h10306', 1000, 4242);
    await run(200);
    expect(events.find((e) => e.type === 'credential-presented')).toMatchObject({
      readerId: 'room-1-in', doorId: 'room-1', credential: { kind: 'card', id: 'h10306:1000:4242' },
    });
    driver!.execute({ type: 'unlock', doorId: 'room-1', seconds: 4, commandId: 'u1', expiresAt: clock.now() + 2000, readerId: 'room-1-in' });
    await run(200);
    expect(sim.pd(5).outputs[0]).toBe(true);
    expect(sim.pd(6).outputs[0]).toBe(true);
    expect(sim.pd(5).lastLed?.temporary.onColor).toBe(2);
    expect(sim.pd(5).lastBuzzer?.count).toBe(1);
    expect(sim.pd(6).lastLed).toBeUndefined();
    await run(4000);
    expect(sim.pd(5).outputs[0]).toBe(false);
    driver!.execute({ type: 'unlock', doorId: 'room-1', seconds: 4, commandId: 'u2', expiresAt: clock.now() + 2000 });
    driver!.execute({ type: 'lock', doorId: 'room-1', commandId: 'l1' });
    await run(200);
    expect(sim.pd(5).outputs[0]).toBe(false);
    // An unlock without a reader (a release from reception) signals nothing; denied feedback still works.
    expect(sim.pd(5).timesReceived('led')).toBe(1);
    driver!.execute({ type: 'feedback', readerId: 'room-1-in', doorId: 'room-1', signal: 'denied', commandId: 'f1' });
    await run(200);
    expect(sim.pd(5).timesReceived('led')).toBe(2);
    expect(sim.pd(5).lastLed?.temporary.onColor).toBe(1);
    // The door on other hardware, the presenting reader on OSDP: granted on the reader, no OUT anywhere.
    const outs = sim.pd(5).timesReceived('out') + sim.pd(6).timesReceived('out');
    driver!.execute({ type: 'unlock', doorId: 'door-on-mqtt', seconds: 4, commandId: 'u3', expiresAt: clock.now() + 2000, readerId: 'room-1-in' });
    await run(200);
    expect(sim.pd(5).timesReceived('led')).toBe(3);
    expect(sim.pd(5).lastLed?.temporary.onColor).toBe(2);
    expect(sim.pd(5).timesReceived('out') + sim.pd(6).timesReceived('out')).toBe(outs);
  });

  it('drops an unlock that could not be sent before its deadline (domain clock), even if the PD comes back, and reports it', async () => {
    const { clock, events, run, sim } = await startDemoDriver();
    sim.pd(5).setFault({ kind: 'silent' });
    sim.pd(6).setFault({ kind: 'silent' });
    await run(100);
    driver!.execute({ type: 'unlock', doorId: 'room-1', seconds: 4, commandId: 'late', expiresAt: clock.now() + 500 });
    await run(1500);
    sim.pd(5).setFault({ kind: 'none' });
    sim.pd(6).setFault({ kind: 'none' });
    await run(3000);
    expect(sim.pd(5).timesReceived('out')).toBe(0);
    expect(sim.pd(6).timesReceived('out')).toBe(0);
    expect(sim.pd(5).outputChanges.some((c) => c.active)).toBe(false);
    const failed = events.filter((e) => e.type === 'door-command-failed');
    expect(failed.map((e) => e.deviceId).sort()).toEqual(['room-1-in', 'room-1-out']);
    expect(failed.every((e) => e.type === 'door-command-failed' && e.commandId === 'late' && e.doorId === 'room-1' && e.command === 'unlock' && e.failure === 'not-sent')).toBe(true);
  });

  it('collects keypad digits into a PIN ending with #, reports door contact once per change, refuses misreads', async () => {
    const { events, run, sim } = await startDemoDriver();
    sim.pd(6).pressKeys('9*12');
    sim.pd(6).pressKeys('34#');
    sim.pd(5).setInput(0, true);
    sim.pd(6).setInput(0, true);
    sim.pd(5).presentRawCard(26, Uint8Array.of(0x00, 0x80, 0x00, 0x80));
    await run(300);
    const creds = events.filter((e) => e.type === 'credential-presented');
    expect(creds).toHaveLength(1);
    expect(creds[0]).toMatchObject({ readerId: 'room-1-out', credential: { kind: 'pin', pin: '1234' } });
    expect(events.filter((e) => e.type === 'door-contact' && e.open)).toHaveLength(1);
    expect(driver!.stats.cardsRefused).toBe(1);
  });

  it('reports the bus down and up again when the simulated adapter is unplugged', async () => {
    const { events, run } = await startDemoDriver();
    unplugSimulatedOsdpBus(busId);
    await run(50);
    expect(events.filter((e) => e.type === 'device-availability' && e.deviceKind === 'bus' && !e.online)).toHaveLength(1);
    expect(events.filter((e) => e.type === 'device-availability' && e.deviceKind === 'reader' && !e.online)).toHaveLength(2);
    await run(2000);
    expect(events.filter((e) => e.type === 'device-availability' && e.deviceKind === 'bus' && e.online)).toHaveLength(2);
    expect(events.filter((e) => e.type === 'device-availability' && e.deviceKind === 'reader' && e.online)).toHaveLength(4);
  });
});

describe('failureOf', () => {
  it('reads a command the PD queue gave up on as never sent, refused (NAK) or unconfirmed', () => {
    expect(failureOf('expired')).toBe('not-sent');
    expect(failureOf('NAK: unknown command code')).toBe('refused');
    expect(failureOf('no reply')).toBe('no-ack');
    expect(failureOf('undecodable reply')).toBe('no-ack');
  });
});

describe('osdpReadersFromSite', () => {
  it('lists the OSDP readers of the demo config with their doors', async () => {
    const { default: config } = await import('../../config/default.json', { with: { type: 'json' } });
    const readers = osdpReadersFromSite(config.site as unknown as SiteConfig);
    expect(readers.length).toBeGreaterThan(0);
    expect(readers.find((r) => r.readerId === 'corridor-a-in')).toMatchObject({ doorId: expect.any(String), bus: 'bus-1', address: 1 });
  });
});
