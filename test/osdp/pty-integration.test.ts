import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import { createOsdpDriver, type OsdpDriver } from '../../devices/osdp/driver.js';
import { serialPortFactory, type SerialPortLike } from '../../devices/osdp/port.js';
import { SimulatedOsdpBus } from '../../simulators/osdp/sim-bus.js';
import { openPtyPair, type PtyPair } from '../../simulators/osdp/pty.js';
import { requireSocat } from './socat.js';
import { silent } from './harness.js';

const haveSocat = requireSocat();

function waitFor<T extends DeviceEvent>(events: DeviceEvent[], pred: (e: DeviceEvent) => e is T, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const found = events.find(pred);
      if (found) return resolve(found);
      if (Date.now() - started > timeoutMs) return reject(new Error('event not seen'));
      setTimeout(tick, 5);
    };
    tick();
  });
}

describe.runIf(haveSocat)('OSDP through a real pty (socat): card at the reader -> unlock -> OUT at the PD', () => {
  let pty: PtyPair;
  let pdPort: SerialPortLike;
  let sim: SimulatedOsdpBus;
  let driver: OsdpDriver;
  const events: DeviceEvent[] = [];

  beforeAll(async () => {
    pty = await openPtyPair();
    sim = new SimulatedOsdpBus('bus-1', systemClock, [{ address: 1 }, { address: 2 }]);
    pdPort = await serialPortFactory({ busId: 'bus-1', path: pty.b, baudRate: 115200, addresses: [] });
    sim.attach(pdPort);
    driver = createOsdpDriver({
      buses: [{ id: 'bus-1', path: pty.a, baudRate: 115200 }],
      readers: [
        { readerId: 'front-in', doorId: 'front', bus: 'bus-1', address: 1, output: 0, doorContactInput: 0 },
        { readerId: 'front-out', doorId: 'front', bus: 'bus-1', address: 2, output: 1, doorContactInput: 0 },
      ],
      logger: silent,
      clock: systemClock,
      portFactory: serialPortFactory,
    });
    driver.onEvent((e) => events.push(e));
    await driver.start();
  });

  afterAll(async () => {
    await driver?.stop();
    sim?.detach();
    await pdPort?.close();
    await pty?.close();
  });

  it('brings both PDs online', async () => {
    for (const id of ['front-in', 'front-out']) {
      await waitFor(events, (e): e is DeviceEvent => e.type === 'device-availability' && e.deviceId === id && e.online);
    }
    expect(events.find((e) => e.type === 'device-availability' && e.deviceKind === 'bus')).toMatchObject({ deviceId: 'bus-1', online: true });
  });

  it('turns a card read into credential-presented and an unlock into a timed OUT', async () => {
    sim.pd(1).presentCard('h10301', 12, 3456);
    const presented = await waitFor(events, (e): e is Extract<DeviceEvent, { type: 'credential-presented' }> => e.type === 'credential-presented');
    expect(presented).toMatchObject({ readerId: 'front-in', doorId: 'front', credential: { kind: 'card', id: 'h10301:12:3456' } });
    const relayOn = sim.pd(1).waitForOutput(0, true);
    driver.execute({ type: 'unlock', doorId: 'front', seconds: 1, commandId: 'cmd-1', expiresAt: Date.now() + 5000 });
    await relayOn;
    await sim.pd(2).waitForOutput(1, true);
    expect(sim.pd(1).timesReceived('out')).toBe(1);
    await sim.pd(1).waitForOutput(0, false, 3000); // the PD's own timer relocks
  });

  it('never acts twice on a command id and drops an expired unlock', async () => {
    const outs = () => sim.pd(1).timesReceived('out');
    const before = outs();
    driver.execute({ type: 'unlock', doorId: 'front', seconds: 1, commandId: 'cmd-1', expiresAt: Date.now() + 5000 });
    driver.execute({ type: 'unlock', doorId: 'front', seconds: 1, commandId: 'cmd-old', expiresAt: Date.now() - 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(outs()).toBe(before);
    expect(driver.stats.duplicates).toBe(1);
    expect(driver.stats.commandsDropped).toBe(1);
  });

  it('reports door contact, tamper and a keypad PIN', async () => {
    sim.pd(2).setInput(0, true);
    await waitFor(events, (e): e is DeviceEvent => e.type === 'door-contact' && e.open);
    sim.pd(1).setTamper(true);
    await waitFor(events, (e): e is DeviceEvent => e.type === 'tamper' && e.active && e.deviceId === 'front-in');
    sim.pd(1).pressKeys('24');
    sim.pd(1).pressKeys('68#');
    const pin = await waitFor(events, (e): e is DeviceEvent => e.type === 'credential-presented' && e.credential.kind === 'pin');
    expect(pin).toMatchObject({ readerId: 'front-in', credential: { kind: 'pin', pin: '2468' } });
  });
});

describe.runIf(haveSocat)('OSDP bus over a pty that disappears and comes back (adapter unplugged and re-plugged)', () => {
  it('reports the bus down, reopens it with backoff under the same path, and the PD comes back online', async () => {
    const links: [string, string] = [`/tmp/contactd-osdp-${process.pid}-cp`, `/tmp/contactd-osdp-${process.pid}-pd`];
    const sim = new SimulatedOsdpBus('bus-u', systemClock, [{ address: 3 }]);
    const events: DeviceEvent[] = [];
    let pty = await openPtyPair({ links });
    let pdPort = await serialPortFactory({ busId: 'bus-u', path: links[1], baudRate: 9600, addresses: [] });
    sim.attach(pdPort);
    const driver = createOsdpDriver({
      buses: [{ id: 'bus-u', path: links[0], baudRate: 9600 }],
      readers: [{ readerId: 'gate', doorId: 'gate', bus: 'bus-u', address: 3, output: 0, doorContactInput: 0 }],
      logger: silent, clock: systemClock, portFactory: serialPortFactory, timing: { reopenMinMs: 100, reopenMaxMs: 400 },
    });
    driver.onEvent((e) => events.push(e));
    const availability = (kind: string, online: boolean) =>
      events.filter((e) => e.type === 'device-availability' && e.deviceKind === kind && e.online === online).length;
    try {
      await driver.start();
      await waitFor(events, (e): e is DeviceEvent => e.type === 'device-availability' && e.deviceKind === 'reader' && e.online);
      sim.detach();
      await pdPort.close();
      await pty.close(); // the adapter is gone
      await waitFor(events, (e): e is DeviceEvent => e.type === 'device-availability' && e.deviceKind === 'bus' && !e.online);
      expect(availability('reader', false)).toBe(1);
      await new Promise((r) => setTimeout(r, 600)); // a few failed reopen attempts
      pty = await openPtyPair({ links }); // plugged back in
      pdPort = await serialPortFactory({ busId: 'bus-u', path: links[1], baudRate: 9600, addresses: [] });
      sim.attach(pdPort);
      for (let i = 0; i < 300 && availability('reader', true) < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(availability('bus', true)).toBe(2);
      expect(availability('reader', true)).toBe(2);
      sim.pd(3).presentCard('h10301', 5, 55);
      await waitFor(events, (e): e is DeviceEvent => e.type === 'credential-presented');
    } finally {
      await driver.stop();
      sim.detach();
      await pdPort.close();
      await pty.close();
    }
  });
});
