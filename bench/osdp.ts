/**
 * OSDP bus benchmark. The simulated PDs run in a process of their own (bench/osdp-pds.ts,
 * as real readers are separate devices), joined to this process's CP by a real pty pair
 * (socat); without socat they run here over an in-memory pair (logged). This process is
 * the daemon's CP alone:
 * - polls per second on one bus with 1 and with 8 PDs (pure software speed: a pty applies
 *   no baud rate), and the software cycle time;
 * - the wire-time limit for POLL/ACK at 115200 and 9600 baud (8N1 = 10 bits a byte), to
 *   compare against: the target is at least 90% of it;
 * - the CP's own turnaround (reply in -> next command out), which is what it adds to the
 *   wire time on a real bus, and the poll rate that leaves at 115200 with an instant PD;
 * - card-read to OUT latency: card presented at a simulated reader -> credential event ->
 *   unlock executed at once -> OUT active at the PD, timed in the PD process on its own
 *   clock. Target: one poll cycle + 2 ms, the cycle being the time between two polls of a
 *   PD during that same run. Split, each part on one process's clock, into the wait for
 *   the PD's poll (PD process: card presented -> its reply carrying the card written) and
 *   the CP's own part (this process: credential event -> OUT handed to the port); the rest
 *   of the total is the pty carrying the card reply and the OUT, so the tail can be attributed.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { OsdpBus } from '../devices/osdp/cp-bus.js';
import { createOsdpDriver } from '../devices/osdp/driver.js';
import { encodeFrame } from '../devices/osdp/frame.js';
import { createMemoryPortPair, serialPortFactory, type PortFactory, type SerialPortLike } from '../devices/osdp/port.js';
import { openPtyPair, socatAvailable, type PtyPair } from '../simulators/osdp/pty.js';
import { BenchPds, type CardSamples, type PdsMessage, type PdsRequest } from './osdp-pds.js';
import type { BenchContext, BenchSuite } from './suite.js';
import { percentile } from './stats.js';

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
  /** Runs the card-to-OUT series at the PDs; `relayOn` hears each sample's relay going on. */
  cardToOut(samples: number, relayOn: (address: number) => void): Promise<CardSamples>;
  close(): Promise<void>;
}

async function openLink(pdCount: number, ctx: BenchContext): Promise<Link> {
  const addresses = Array.from({ length: pdCount }, (_, i) => i + 1);
  if (socatAvailable()) {
    const pty: PtyPair = await openPtyPair();
    const pds = await forkPds(pty.b, addresses);
    const close = async () => {
      await pds.close();
      await pty.close();
    };
    return { cpFactory: (req) => serialPortFactory({ ...req, path: pty.a }), cardToOut: pds.cardToOut, close };
  }
  ctx.log('socat not found (apt-get install socat): PDs in this process over an in-memory port pair instead');
  const [cp, pd] = createMemoryPortPair();
  const pds = new BenchPds(pd, addresses);
  return { cpFactory: async () => cp as SerialPortLike, cardToOut: (n, relayOn) => pds.cardToOut(n, relayOn), close: () => pds.close() };
}

/** The PDs in a child process (bench/osdp-pds.ts) on the pty end at `path`. */
async function forkPds(path: string, addresses: number[]): Promise<Pick<Link, 'cardToOut' | 'close'>> {
  const child = fork(fileURLToPath(new URL('./osdp-pds.js', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`benchmark PDs exited with ${code}`))));
  exited.catch(() => undefined);
  const next = (type: PdsMessage['type']) =>
    Promise.race([exited, new Promise<PdsMessage>((resolve) => {
      const on = (m: PdsMessage) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
    })]);
  const ready = next('ready');
  child.send({ type: 'start', path, addresses } satisfies PdsRequest);
  await ready;
  return {
    async cardToOut(samples, relayOn) {
      const onRelay = (m: PdsMessage) => {
        if (m.type === 'relay-on') relayOn(m.address);
      };
      child.on('message', onRelay);
      const done = next('cards-done');
      child.send({ type: 'cards', samples } satisfies PdsRequest);
      const { total, pollWait, ownCycle } = (await done) as Extract<PdsMessage, { type: 'cards-done' }>;
      child.off('message', onRelay);
      return { total, pollWait, ownCycle };
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' } satisfies PdsRequest);
      }),
  };
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

interface CardToOut extends CardSamples {
  /** Credential event -> the OUT handed to the serial port (the driver and bus only; this process's clock). */
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
  const cp: number[] = [];
  const driver = createOsdpDriver({
    buses: [{ id: 'bench', path: 'bench', baudRate: 115200 }], readers, logger: silent, clock: systemClock,
    portFactory: outTimedFactory(link.cpFactory, () => {
      if (credentialAt === 0) return;
      cp.push(performance.now() - credentialAt);
      credentialAt = 0;
    }),
  });
  let unlocks = 0;
  let locks = 0;
  let online = 0;
  driver.onEvent((e) => {
    if (e.type === 'device-availability' && e.deviceKind === 'reader' && e.online) online++;
    // The "domain" grants at once, so the figure is the driver + bus + PD path only.
    if (e.type === 'credential-presented') {
      credentialAt = performance.now();
      driver.execute({ type: 'unlock', doorId: e.doorId, seconds: 1, commandId: `c${unlocks++}`, expiresAt: Date.now() + 1000 });
    }
  });
  await driver.start();
  for (let i = 0; i < 500 && online < pdCount; i++) await sleep(10);
  const bus = driver.bus('bench');
  const polls = () => Array.from({ length: pdCount }, (_, i) => bus?.link(i + 1)?.stats.polls ?? 0).reduce((a, b) => a + b, 0);
  const p0 = polls();
  const started = performance.now();
  // The PDs lock again once they have seen their relay on (as before the split into processes).
  const pdSide = await link.cardToOut(samples, (address) => driver.execute({ type: 'lock', doorId: `d${address}`, commandId: `l${locks++}` }));
  // Polls per PD per ms during the run -> the time between two polls of one PD.
  const cycleMs = (performance.now() - started) / ((polls() - p0) / pdCount);
  ctx.log(`card-to-OUT over ${samples} reads on ${pdCount} PDs`);
  await driver.stop();
  await link.close();
  return { ...pdSide, cp, cycleMs };
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
    const beyondOwnCycle = latencies.map((l, i) => l - (card.ownCycle[i] as number));
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
      /** Share of reads whose OUT arrived within one (mean) poll cycle + 2 ms. */
      osdp_card_to_out_within_target_ratio: latencies.filter((l) => l <= target).length / latencies.length,
      /** The poll cycle each read fell in, as its PD saw it (it stretches when the 2 cores are busy). */
      osdp_card_to_out_own_cycle_p50_ms: percentile(card.ownCycle, 50),
      osdp_card_to_out_own_cycle_p99_ms: percentile(card.ownCycle, 99),
      /** Per read: card-to-OUT minus the poll cycle it fell in; the target's "+ 2 ms" read per read. */
      osdp_card_to_out_beyond_own_cycle_p99_ms: percentile(beyondOwnCycle, 99),
      osdp_card_to_out_within_own_cycle_ratio: beyondOwnCycle.filter((b) => b <= 2).length / beyondOwnCycle.length,
    };
  },
};
