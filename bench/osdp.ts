/**
 * OSDP bus benchmark. Through a real pty pair (socat) when available, else an in-memory
 * pair (logged), with the simulated PDs in the same process:
 * - polls per second on one bus with 1 and with 8 PDs (pure software speed: a pty applies
 *   no baud rate), and the software cycle time;
 * - the wire-time limit for POLL/ACK at 115200 and 9600 baud (8N1 = 10 bits a byte), to
 *   compare against: the target is at least 90% of it;
 * - the CP's own turnaround (reply in -> next command out), which is what it adds to the
 *   wire time on a real bus, and the poll rate that leaves at 115200 with an instant PD;
 * - card-read to OUT latency: card presented at a simulated reader -> credential event ->
 *   unlock executed at once -> OUT active at the PD. Target: one poll cycle + 2 ms.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { OsdpBus } from '../devices/osdp/cp-bus.js';
import { createOsdpDriver } from '../devices/osdp/driver.js';
import { encodeFrame } from '../devices/osdp/frame.js';
import { createMemoryPortPair, serialPortFactory, type PortFactory, type SerialPortLike } from '../devices/osdp/port.js';
import { SimulatedOsdpBus } from '../simulators/osdp/sim-bus.js';
import { openPtyPair, socatAvailable, type PtyPair } from '../simulators/osdp/pty.js';
import type { BenchContext, BenchSuite } from './suite.js';

const silent = pino({ level: 'silent' });

/** Bytes of one POLL (mark + 8) and its ACK (mark + 8) on the wire, from the encoder itself. */
function pollExchangeBytes(): number {
  const base = { address: 1, sequence: 1, useCrc: true, data: new Uint8Array(0) };
  return encodeFrame({ ...base, reply: false, code: 0x60 }, { mark: true }).length + encodeFrame({ ...base, reply: true, code: 0x40 }, { mark: true }).length;
}

export function wireLimitPollsPerSecond(baud: number): number {
  return baud / 10 / pollExchangeBytes();
}

interface Link {
  cpFactory: PortFactory;
  sim: SimulatedOsdpBus;
  close(): Promise<void>;
}

async function openLink(pdCount: number, ctx: BenchContext): Promise<Link> {
  const sim = new SimulatedOsdpBus('bench', systemClock, Array.from({ length: pdCount }, (_, i) => ({ address: i + 1 })));
  if (socatAvailable()) {
    const pty: PtyPair = await openPtyPair();
    const pdPort = await serialPortFactory({ busId: 'bench', path: pty.b, baudRate: 115200, addresses: [] });
    sim.attach(pdPort);
    return {
      sim,
      cpFactory: (req) => serialPortFactory({ ...req, path: pty.a }),
      close: async () => {
        sim.detach();
        await pdPort.close();
        await pty.close();
      },
    };
  }
  ctx.log('socat not found (apt-get install socat): measuring over an in-memory port pair instead');
  const [cp, pd] = createMemoryPortPair();
  sim.attach(pd);
  return { sim, cpFactory: async () => cp as SerialPortLike, close: async () => sim.detach() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Wraps the CP's port to time the CP's own turnaround: from the last reply bytes arriving
 * to the next command being handed to the port. On a real wire this is what the CP adds
 * to each exchange on top of the wire time and the PD's own reply delay.
 */
function timedFactory(factory: PortFactory, turnarounds: number[]): PortFactory {
  return async (req) => {
    const port = await factory(req);
    let lastData = 0;
    port.on('data', () => {
      lastData = performance.now();
    });
    return {
      write: (data) => {
        if (lastData > 0) turnarounds.push(performance.now() - lastData);
        lastData = 0;
        port.write(data);
      },
      on: (event, listener) => port.on(event, listener),
      off: (event, listener) => port.off(event, listener),
      close: () => port.close(),
    } as SerialPortLike;
  };
}

async function pollsPerSecond(pdCount: number, windowMs: number, ctx: BenchContext, turnarounds: number[] = []): Promise<number> {
  const link = await openLink(pdCount, ctx);
  const bus = new OsdpBus({
    busId: 'bench', path: 'bench', baudRate: 115200, clock: systemClock, logger: silent, portFactory: timedFactory(link.cpFactory, turnarounds),
    pds: Array.from({ length: pdCount }, (_, i) => ({ address: i + 1 })),
  });
  let online = 0;
  bus.onEvent((e) => {
    if (e.type === 'pd-online') online++;
  });
  await bus.start();
  for (let i = 0; i < 500 && online < pdCount; i++) await sleep(10);
  const polls = () => Array.from({ length: pdCount }, (_, i) => bus.link(i + 1)!.stats.polls).reduce((a, b) => a + b, 0);
  const p0 = polls();
  const t0 = performance.now();
  await sleep(windowMs);
  const rate = ((polls() - p0) * 1000) / (performance.now() - t0);
  await bus.stop();
  await link.close();
  return rate;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function cardToOut(pdCount: number, samples: number, ctx: BenchContext): Promise<number[]> {
  const link = await openLink(pdCount, ctx);
  const readers = Array.from({ length: pdCount }, (_, i) => ({
    readerId: `r${i + 1}`, doorId: `d${i + 1}`, bus: 'bench', address: i + 1, output: 0, doorContactInput: 0,
  }));
  const driver = createOsdpDriver({
    buses: [{ id: 'bench', path: 'bench', baudRate: 115200 }], readers, logger: silent, clock: systemClock, portFactory: link.cpFactory,
  });
  let n = 0;
  let online = 0;
  driver.onEvent((e) => {
    if (e.type === 'device-availability' && e.deviceKind === 'reader' && e.online) online++;
    // The "domain" grants at once, so the figure is the driver + bus + PD path only.
    if (e.type === 'credential-presented') {
      driver.execute({ type: 'unlock', doorId: e.doorId, seconds: 1, commandId: `c${n++}`, expiresAt: Date.now() + 1000 });
    }
  });
  await driver.start();
  for (let i = 0; i < 500 && online < pdCount; i++) await sleep(10);
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const pd = link.sim.pd((i % pdCount) + 1);
    await sleep(Math.random() * 5); // present at a random point of the polling cycle
    const on = pd.waitForOutput(0, true, 2000);
    const t0 = performance.now();
    pd.presentCard('h10301', 1, i);
    await on;
    latencies.push(performance.now() - t0);
    driver.execute({ type: 'lock', doorId: `d${(i % pdCount) + 1}`, commandId: `l${i}` });
    await pd.waitForOutput(0, false, 2000);
  }
  ctx.log(`card-to-OUT over ${samples} reads on ${pdCount} PDs`);
  await driver.stop();
  await link.close();
  return latencies;
}

export const osdpSuite: BenchSuite = {
  name: 'osdp',
  async run(ctx) {
    const windowMs = ctx.quick ? 1000 : 3000;
    const turnarounds: number[] = [];
    const one = await pollsPerSecond(1, windowMs, ctx, turnarounds);
    const eight = await pollsPerSecond(8, windowMs, ctx);
    ctx.log(`polls/s: 1 PD ${one.toFixed(0)}, 8 PDs ${eight.toFixed(0)}`);
    const limit115200 = wireLimitPollsPerSecond(115200);
    const turnaroundMs = turnarounds.reduce((a, b) => a + b, 0) / turnarounds.length;
    // With an instant PD, one exchange at 115200 takes the wire time plus the CP's turnaround.
    const cpBound115200 = 1000 / (1000 / limit115200 + turnaroundMs);
    const latencies = await cardToOut(8, ctx.quick ? 40 : 200, ctx);
    const cycle8Ms = (1000 / eight) * 8;
    const p99 = percentile(latencies, 99);
    return {
      osdp_polls_per_s_1pd: one,
      osdp_polls_per_s_8pd: eight,
      osdp_wire_limit_polls_per_s_115200: limit115200,
      osdp_wire_limit_polls_per_s_9600: wireLimitPollsPerSecond(9600),
      osdp_ratio_to_wire_limit_115200_1pd: one / limit115200,
      osdp_ratio_to_wire_limit_115200_8pd: eight / limit115200,
      osdp_cp_turnaround_p50_ms: percentile(turnarounds, 50),
      osdp_cp_turnaround_p99_ms: percentile(turnarounds, 99),
      /** Polls/s the CP itself allows at 115200 (wire time + its turnaround), and as a share of the limit. */
      osdp_cp_bound_polls_per_s_115200: cpBound115200,
      osdp_cp_bound_ratio_to_wire_limit_115200: cpBound115200 / limit115200,
      osdp_software_cycle_ms_1pd: 1000 / one,
      osdp_software_cycle_ms_8pd: cycle8Ms,
      osdp_card_to_out_p50_ms: percentile(latencies, 50),
      osdp_card_to_out_p99_ms: p99,
      osdp_card_to_out_target_ms: cycle8Ms + 2,
      /** Share of reads whose OUT arrived within one (measured) poll cycle + 2 ms. */
      osdp_card_to_out_within_target_ratio: latencies.filter((l) => l <= cycle8Ms + 2).length / latencies.length,
    };
  },
};
