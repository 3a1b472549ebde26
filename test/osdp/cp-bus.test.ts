import { afterEach, describe, expect, it } from 'vitest';
import { LedColor, flashLed, unlockPulse } from '../../devices/osdp/messages/index.js';
import { ofType, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.bus.stop();
  h = undefined;
});

describe('OSDP CP bus engine (in-memory port, simulated PDs)', () => {
  it('brings several PDs on one bus online and polls them all continuously', async () => {
    h = await startHarness([{ address: 1 }, { address: 2 }, { address: 3 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 3);
    expect(ofType(h.events, 'bus-up')).toHaveLength(1);
    const before = [1, 2, 3].map((a) => h!.bus.link(a)!.stats.polls);
    await h.run(200);
    [1, 2, 3].forEach((a, i) => expect(h!.bus.link(a)!.stats.polls).toBeGreaterThan(before[i]! + 3));
    expect(ofType(h.events, 'pd-online')[0]!.identity?.serialNumber).toBe(0x1001);
  });

  it('reports cards, keypad digits, inputs and tamper from poll replies', async () => {
    h = await startHarness([{ address: 1 }, { address: 2 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 2);
    h.sim.pd(2).presentCard('h10301', 12, 3456);
    h.sim.pd(1).pressKeys('12#');
    h.sim.pd(2).setInput(0, true);
    h.sim.pd(1).setTamper(true);
    await h.run(100);
    const card = ofType(h.events, 'card')[0]!;
    expect(card.address).toBe(2);
    expect(card.bitCount).toBe(26);
    expect(ofType(h.events, 'keypad')[0]).toMatchObject({ address: 1, digits: '12#' });
    expect(ofType(h.events, 'inputs').at(-1)).toMatchObject({ address: 2, inputs: [true, false, false, false] });
    expect(ofType(h.events, 'local-status').at(-1)).toMatchObject({ address: 1, tamper: true });
  });

  it('sends a queued OUT before the next poll; the relay falls back after its timer', async () => {
    h = await startHarness([{ address: 1 }, { address: 2 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 2);
    const done: string[] = [];
    h.bus.enqueue(2, { command: unlockPulse(0, 3), onDone: (ok, d) => done.push(`${ok}:${d}`) });
    await h.run(20);
    expect(h.sim.pd(2).outputs[0]).toBe(true);
    expect(done).toEqual(['true:ack']);
    await h.run(2900);
    expect(h.sim.pd(2).outputs[0]).toBe(true);
    await h.run(200);
    expect(h.sim.pd(2).outputs[0]).toBe(false);
  });

  it('a card read\'s OUT is the very next frame on the bus, ahead of feedback queued for other PDs and for its own PD', async () => {
    h = await startHarness([{ address: 1 }, { address: 2 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 2);
    const done: string[] = [];
    const track = (label: string) => ({ onDone: () => done.push(label) });
    h.bus.onEvent((e) => {
      if (e.type !== 'card') return;
      // While the card reply is being handled (the bus is busy): feedback for PD 1 and for
      // PD 2 first, then PD 2's unlock, as an access decision may well order them.
      h!.bus.enqueue(1, { command: flashLed(0, LedColor.RED, 5), ...track('led 1') });
      h!.bus.enqueue(2, { command: flashLed(0, LedColor.GREEN, 5), ...track('led 2') });
      h!.bus.enqueue(2, { command: unlockPulse(0, 2), ...track('out 2') });
    });
    const sentBefore = h.bus.link(1)!.stats.sent + h.bus.link(2)!.stats.sent;
    h.sim.pd(2).presentCard('h10301', 3, 4);
    await h.until(() => done.length === 3);
    expect(done).toEqual(['out 2', 'led 1', 'led 2']);
    // nothing else went out in between: the card's POLL, the OUT, the two LEDs (and a poll or two at most)
    expect(h.bus.link(1)!.stats.sent + h.bus.link(2)!.stats.sent - sentBefore).toBeLessThanOrEqual(8);
  });

  it('talks to a PD that checks only the 8-bit checksum (section 5.8): it comes online, reports cards and carries out an OUT', async () => {
    h = await startHarness([{ address: 1 }], [{ address: 1, checksumOnly: true }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    h.sim.pd(1).presentCard('h10301', 5, 6);
    h.bus.enqueue(1, { command: unlockPulse(0, 1) });
    await h.run(100);
    expect(ofType(h.events, 'card')).toHaveLength(1);
    expect(h.sim.pd(1).outputs[0]).toBe(true);
    expect(h.bus.link(1)!.stats.naks).toBe(1); // the first CRC command only
  });

  it('drops a queued command whose deadline has passed, without sending it', async () => {
    h = await startHarness([{ address: 1 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    h.sim.pd(1).setFault({ kind: 'silent' });
    await h.run(300);
    const done: string[] = [];
    h.bus.enqueue(1, { command: unlockPulse(0, 3), notAfter: h.clock.now() + 100, onDone: (ok, d) => done.push(`${ok}:${d}`) });
    await h.run(1000);
    h.sim.pd(1).setFault({ kind: 'none' });
    await h.run(1000);
    expect(h.sim.pd(1).timesReceived('out')).toBe(0);
    expect(h.sim.pd(1).outputs[0]).toBe(false);
    expect(done).toEqual(['false:expired']);
  });

  it('marks a silent PD offline after 8 s (not before) and back online when it answers again', async () => {
    h = await startHarness([{ address: 1 }, { address: 2 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 2);
    const silentFrom = h.clock.now();
    h.sim.pd(1).setFault({ kind: 'silent' });
    await h.run(7500);
    expect(ofType(h.events, 'pd-offline')).toHaveLength(0);
    await h.until(() => ofType(h!.events, 'pd-offline').length === 1);
    expect(h.clock.now() - silentFrom).toBeGreaterThanOrEqual(8000);
    expect(h.clock.now() - silentFrom).toBeLessThan(8600);
    expect(ofType(h.events, 'pd-offline')[0]!.address).toBe(1);
    // PD 2 kept being polled meanwhile
    h.sim.pd(2).presentCard('h10301', 1, 1);
    await h.run(500);
    expect(ofType(h.events, 'card')).toHaveLength(1);
    h.sim.pd(1).setFault({ kind: 'none' });
    await h.until(() => ofType(h!.events, 'pd-online').length === 3);
  });

  it('retries after corrupted replies and a lost OUT reply does not run the OUT twice', async () => {
    h = await startHarness([{ address: 1 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    h.sim.pd(1).setFault({ kind: 'corrupt', replies: 2 });
    h.bus.enqueue(1, { command: unlockPulse(0, 2) });
    await h.run(1000);
    expect(h.sim.pd(1).timesReceived('out')).toBe(1);
    expect(h.bus.link(1)!.stats.retries).toBeGreaterThanOrEqual(2);
    expect(h.sim.pd(1).outputChanges.filter((c) => c.active)).toHaveLength(1);
    expect(ofType(h.events, 'pd-offline')).toHaveLength(0);
  });

  it('waits out BUSY replies and slow replies within the 200 ms window', async () => {
    h = await startHarness([{ address: 1 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    h.sim.pd(1).setFault({ kind: 'busy', replies: 3 });
    h.bus.enqueue(1, { command: unlockPulse(0, 2) });
    await h.run(500);
    expect(h.sim.pd(1).outputs[0]).toBe(true);
    expect(h.bus.link(1)!.stats.busy).toBe(3);
    h.sim.pd(1).setFault({ kind: 'slow', delayMs: 150 });
    const polls = h.bus.link(1)!.stats.polls;
    await h.run(2000);
    expect(h.bus.link(1)!.stats.polls).toBeGreaterThan(polls + 5);
    expect(h.bus.link(1)!.stats.timeouts).toBe(0);
  });

  it('reopens a bus whose adapter disappears, with backoff, and the PDs come back', async () => {
    h = await startHarness([{ address: 1 }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    h.cpEnd().unplug();
    await h.run(50);
    expect(ofType(h.events, 'bus-down')).toHaveLength(1);
    expect(ofType(h.events, 'pd-offline')).toHaveLength(1);
    await h.until(() => ofType(h!.events, 'bus-up').length === 2);
    await h.until(() => ofType(h!.events, 'pd-online').length === 2);
    expect(h.opens).toBe(2);
  });
});
