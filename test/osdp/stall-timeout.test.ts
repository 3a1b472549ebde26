/**
 * The CP's 200-ms reply timeout (section 5.9) after an event-loop stall in the CP's own
 * process: the PD (in a process of its own, as a real reader is) answers on time while
 * the CP is blocked, so when the CP wakes the reply timer and the reply are both due.
 * The reply must be read, not counted as a timeout and the command resent (cp-bus.ts
 * checks the timeout after the I/O phase). In-process PDs would stall with the CP, so
 * this needs the PD process and a real pty between the two.
 */
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { OsdpBus, type BusEvent } from '../../devices/osdp/cp-bus.js';
import { Cmd, unlockPulse } from '../../devices/osdp/messages/index.js';
import { serialPortFactory, type PortFactory, type PortEvents, type SerialPortLike } from '../../devices/osdp/port.js';
import { forkSimulatedPds, type PdProcess } from '../../simulators/osdp/pd-process-handle.js';
import { openPtyPair, type PtyPair } from '../../simulators/osdp/pty.js';
import { requireSocat } from './socat.js';
import { ofType, silent } from './harness.js';
import { waitFor } from '../helpers/daemon.js';

const haveSocat = requireSocat();
const STALL_MS = 400;

interface Stall {
  /** The command code whose next write, made while a reply is being handled, blocks the loop. */
  armedFor?: number;
  startedAt?: number;
  lastedMs?: number;
}

/** Command code of a plain frame written with the mark byte: FF 53 addr lenLo lenHi ctrl code. */
const commandCode = (frame: Uint8Array) => (frame[0] === 0xff ? frame[6] : frame[5]);

/**
 * The real serial port, plus a busy-wait right after an armed command is written. Only
 * a write made inside the 'data' handler stalls: that is the bus answering a reply with
 * its next command from the I/O phase, so the stall ends just before the next turn of
 * the event loop, whose timers phase comes before its I/O phase.
 */
function stallingPorts(stall: Stall): PortFactory {
  return async (request) => {
    const port = await serialPortFactory(request);
    let handlingData = false;
    const wrapped = new Map<PortEvents['data'], PortEvents['data']>();
    return {
      write(data) {
        port.write(data);
        if (!handlingData || stall.armedFor === undefined || commandCode(data) !== stall.armedFor) return;
        stall.armedFor = undefined;
        stall.startedAt = Date.now();
        const t0 = performance.now();
        while (performance.now() - t0 < STALL_MS) {
          // the CP's process is busy (a long GC, a slow synchronous job)
        }
        stall.lastedMs = performance.now() - t0;
      },
      on(event, listener) {
        if (event !== 'data') return port.on(event, listener);
        const inner = (chunk: Uint8Array) => {
          handlingData = true;
          try {
            (listener as PortEvents['data'])(chunk);
          } finally {
            handlingData = false;
          }
        };
        wrapped.set(listener as PortEvents['data'], inner);
        port.on('data', inner);
      },
      off(event, listener) {
        if (event !== 'data') return port.off(event, listener);
        const inner = wrapped.get(listener as PortEvents['data']);
        if (inner) port.off('data', inner);
      },
      close: () => port.close(),
    } as SerialPortLike;
  };
}

describe.runIf(haveSocat)('OSDP CP reply timeout after an event-loop stall (PD in its own process, real pty)', () => {
  let pty: PtyPair | undefined;
  let pds: PdProcess | undefined;
  let bus: OsdpBus | undefined;

  afterEach(async () => {
    await bus?.stop();
    await pds?.stop();
    await pty?.close();
    bus = pds = pty = undefined;
  });

  it('reads the on-time reply to a command written just before a 400-ms stall: no timeout, no resend, PD online, OUT confirmed', async () => {
    pty = await openPtyPair();
    pds = await forkSimulatedPds({ path: pty.b, pds: [{ address: 1 }] });
    const stall: Stall = {};
    bus = new OsdpBus({
      busId: 'stall', path: pty.a, baudRate: 115200, pds: [{ address: 1 }],
      portFactory: stallingPorts(stall), clock: systemClock, logger: silent,
    });
    const events: BusEvent[] = [];
    bus.onEvent((e) => events.push(e));
    await bus.start();
    await waitFor('PD 1 online', () => ofType(events, 'pd-online').length === 1, 10_000);
    const link = bus.link(1)!;
    const before = { ...link.stats };
    const outsBefore = (await pds.frames(1))[Cmd.OUT] ?? 0;

    // The bus polls without pause, so the OUT goes out when the current poll's reply is handled.
    stall.armedFor = Cmd.OUT;
    const done: string[] = [];
    const relayOn = pds.waitForOutput(1, 0, true);
    bus.enqueue(1, { command: unlockPulse(0, 3), onDone: (ok, detail) => done.push(`${ok}:${detail}`) });
    const on = await relayOn;
    await waitFor('the OUT confirmed', () => done.length > 0);
    await new Promise((r) => setTimeout(r, 300)); // a resend, had there been one, reaches the PD meanwhile

    // Preconditions: the CP really stalled past the reply deadline, and the PD answered on time.
    expect(stall.lastedMs).toBeGreaterThanOrEqual(STALL_MS);
    expect(on.wallAt - (stall.startedAt as number)).toBeLessThan(200);
    // The reply was used...
    expect(done).toEqual(['true:ack']);
    // ...and not counted as a timeout, nor the command resent, nor the PD dropped.
    expect(link.stats.timeouts - before.timeouts).toBe(0);
    expect(link.stats.retries - before.retries).toBe(0);
    expect(link.stats.rejectedReplies - before.rejectedReplies).toBe(0);
    expect((await pds.frames(1))[Cmd.OUT] ?? 0).toBe(outsBefore + 1);
    expect(ofType(events, 'pd-offline')).toHaveLength(0);
    expect(link.online).toBe(true);
    // And the bus carries on polling.
    const polls = link.stats.polls;
    await waitFor('polling after the stall', () => link.stats.polls > polls + 10);
  });
});
