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
 *   unlock executed at once -> OUT active at the PD. Target: one poll cycle + 2 ms, the
 *   cycle being the time between two polls of a PD during that same run. Split into the
 *   wait for the PD's poll (card presented -> credential event at the CP) and the CP's own
 *   part (credential event -> OUT handed to the port), so the tail can be attributed.
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

interface CardToOut {
  /** Card presented -> relay on at the PD. */
  total: number[];
  /** Card presented -> credential event at the CP (waiting for the PD's poll, plus the RAW exchange). */
  pollWait: number[];
  /** Credential event -> the OUT handed to the serial port (the driver and bus only). */
  cp: number[];
  /** Mean time between two polls of one PD during the run. */
  cycleMs: number;
}

/** Times when the CP hands an osdp_OUT to the port (frames carry the mark byte: code at [6]). */
function outTimedFactory(factory: PortFactory, onOut: () => void): PortFactory {
  return async (req) => {
    const port = await factory(req);
    return {
      write: (data) => {
        if (data[0] === 0xff && data[6] === 0x68) onOut();
        port.write(data);
      },
      on: (event, listener) => port.on(event, listener),
      off: (event, listener) => port.off(event, listener),
      close: () => port.close(),
    } as SerialPortLike;
  };
}

async function cardToOut(pdCount: number, samples: number, ctx: BenchContext): Promise<CardToOut> {
  const link = await openLink(pdCount, ctx);
  const readers = Array.from({ length: pdCount }, (_, i) => ({
    readerId: `r${i + 1}`, doorId: `d${i + 1}`, bus: 'bench', address: i + 1, output: 0, doorContactInput: 0,
  }));
  let credentialAt = 0;
  let outAt = 0;
  const driver = createOsdpDriver({
    buses: [{ id: 'bench', path: 'bench', baudRate: 115200 }], readers, logger: silent, clock: systemClock,
    portFactory: outTimedFactory(link.cpFactory, () => {
      if (outAt === 0) outAt = performance.now();
    }),
  });
  let n = 0;
  let online = 0;
  driver.onEvent((e) => {
    if (e.type === 'device-availability' && e.deviceKind === 'reader' && e.online) online++;
    // The "domain" grants at once, so the figure is the driver + bus + PD path only.
    if (e.type === 'credential-presented') {
      credentialAt = performance.now();
      driver.execute({ type: 'unlock', doorId: e.doorId, seconds: 1, commandId: `c${n++}`, expiresAt: Date.now() + 1000 });
    }
  });
  await driver.start();
  for (let i = 0; i < 500 && online < pdCount; i++) await sleep(10);
  const result: CardToOut = { total: [], pollWait: [], cp: [], cycleMs: NaN };
  const bus = driver.bus('bench');
  const polls = () => Array.from({ length: pdCount }, (_, i) => bus?.link(i + 1)?.stats.polls ?? 0).reduce((a, b) => a + b, 0);
  const p0 = polls();
  const started = performance.now();
  for (let i = 0; i < samples; i++) {
    const pd = link.sim.pd((i % pdCount) + 1);
    await sleep(Math.random() * 5); // present at a random point of the polling cycle
    const on = pd.waitForOutput(0, true, 2000);
    credentialAt = 0;
    outAt = 0;
    const t0 = performance.now();
    pd.presentCard('h10301', 1, i);
    await on;
    result.total.push(performance.now() - t0);
    result.pollWait.push(credentialAt - t0);
    result.cp.push(outAt - credentialAt);
    driver.execute({ type: 'lock', doorId: `d${(i % pdCount) + 1}`, commandId: `l${i}` });
    await pd.waitForOutput(0, false, 2000);
  }
  // Polls per PD per ms during the run -> the time between two polls of one PD.
  result.cycleMs = (performance.now() - started) / ((polls() - p0) / pdCount);
  ctx.log(`card-to-OUT over ${samples} reads on ${pdCount} PDs`);
  await driver.stop();
  await link.close();
  return result;
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
    // Enough reads that p99 is not simply the slowest one (with 40, it was).
    const card = await cardToOut(8, ctx.quick ? 100 : 400, ctx);
    const latencies = card.total;
    const cycle8Ms = (1000 / eight) * 8;
    const target = card.cycleMs + 2;
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
      osdp_card_to_out_max_ms: Math.max(...latencies),
      /** The wait for the PD's poll (+ the RAW exchange) and the CP's own part, at p50 and p99. */
      osdp_card_to_out_poll_wait_p50_ms: percentile(card.pollWait, 50),
      osdp_card_to_out_poll_wait_p99_ms: percentile(card.pollWait, 99),
      osdp_card_to_out_cp_p50_ms: percentile(card.cp, 50),
      osdp_card_to_out_cp_p99_ms: percentile(card.cp, 99),
      /** Time between two polls of one PD during the card-to-OUT run (its OUTs included). */
      osdp_card_to_out_cycle_ms: card.cycleMs,
      osdp_card_to_out_target_ms: target,
      /** Share of reads whose OUT arrived within one poll cycle + 2 ms. */
      osdp_card_to_out_within_target_ratio: latencies.filter((l) => l <= target).length / latencies.length,
    };
  },
};
