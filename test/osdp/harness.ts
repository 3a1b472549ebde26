/** Test harness: a CP bus and simulated PDs over an in-memory port pair, on a ManualClock. */
import pino from 'pino';
import { ManualClock } from '../../src/clock.js';
import { OsdpBus, type BusEvent, type BusTiming } from '../../devices/osdp/cp-bus.js';
import type { PdConfig } from '../../devices/osdp/cp-pd.js';
import { createMemoryPortPair, type MemoryPort } from '../../devices/osdp/port.js';
import { SimulatedOsdpBus } from '../../simulators/osdp/sim-bus.js';
import type { SimPdOptions } from '../../simulators/osdp/sim-pd.js';

export const silent = pino({ level: 'silent' });

export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Harness {
  clock: ManualClock;
  bus: OsdpBus;
  sim: SimulatedOsdpBus;
  events: BusEvent[];
  cpEnd(): MemoryPort;
  /** Lets `ms` of clock time pass in `step` ms steps, delivering bytes between steps. */
  run(ms: number, step?: number): Promise<void>;
  until(predicate: () => boolean, maxMs?: number): Promise<void>;
  opens: number;
}

export async function startHarness(
  pds: PdConfig[],
  simPds: Omit<SimPdOptions, 'clock'>[] = pds.map((p) => ({ address: p.address })),
  timing: Partial<BusTiming> = {},
): Promise<Harness> {
  const clock = new ManualClock(1_700_000_000_000);
  const sim = new SimulatedOsdpBus('test', clock, simPds);
  let current: MemoryPort | undefined;
  const h: Partial<Harness> & { opens: number } = { opens: 0 };
  const bus = new OsdpBus({
    busId: 'test', path: 'mem', baudRate: 115200, pds, clock, logger: silent, timing,
    portFactory: async () => {
      const [cp, pd] = createMemoryPortPair();
      sim.attach(pd);
      current = cp;
      h.opens++;
      return cp;
    },
  });
  const events: BusEvent[] = [];
  bus.onEvent((e) => events.push(e));
  const run = async (ms: number, step = 5) => {
    for (let t = 0; t < ms; t += step) {
      for (let i = 0; i < 4; i++) await flush();
      clock.advance(step);
    }
    for (let i = 0; i < 4; i++) await flush();
  };
  const until = async (predicate: () => boolean, maxMs = 20_000) => {
    for (let t = 0; t < maxMs && !predicate(); t += 5) await run(5);
    if (!predicate()) throw new Error('condition not reached in simulated time');
  };
  Object.assign(h, { clock, bus, sim, events, run, until, cpEnd: () => current as MemoryPort });
  await bus.start();
  return h as Harness;
}

export const ofType = <T extends BusEvent['type']>(events: BusEvent[], type: T) =>
  events.filter((e): e is Extract<BusEvent, { type: T }> => e.type === type);
