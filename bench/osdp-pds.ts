/**
 * The PD side of the OSDP benchmark, in a process of its own (real readers are separate
 * devices, so the CP's process is the daemon's alone): simulated PDs on one end of a socat
 * pty, answering the CP; for card-to-OUT they present cards and time each one until
 * their own OUT relay goes on, all on this process's clock. Driven by bench/osdp.ts over
 * IPC; without socat, bench/osdp.ts runs BenchPds in its own process instead (logged).
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock.js';
import { ReplyCode } from '../devices/osdp/messages/index.js';
import { serialPortFactory, type SerialPortLike } from '../devices/osdp/port.js';
import { SimulatedOsdpBus } from '../simulators/osdp/sim-bus.js';

export type PdsRequest =
  | { type: 'start'; path: string; addresses: number[] }
  | { type: 'cards'; samples: number }
  | { type: 'stop' };

export type PdsMessage =
  | { type: 'ready' }
  /** The CP should lock the door again (sample done at the PD at `address`). */
  | { type: 'relay-on'; address: number }
  | ({ type: 'cards-done' } & CardSamples);

export interface CardSamples {
  /** Card presented -> OUT relay on at the PD. */
  total: number[];
  /** Card presented -> the PD's reply carrying it (osdp_RAW to a POLL) written to the port. */
  pollWait: number[];
  /**
   * The poll cycle each card fell in, as its PD saw it: from the PD's last reply before the
   * card to its reply carrying the card (the card waits at most this long for its poll).
   */
  ownCycle: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Plain reply frame with the mark byte: FF 53 addr|0x80 lenLo lenHi ctrl code. */
const isCardReply = (frame: Uint8Array) => frame[0] === 0xff && frame[6] === ReplyCode.RAW;

export class BenchPds {
  private readonly sim: SimulatedOsdpBus;
  private cardSentAt = 0;
  /** When each PD last wrote a reply (the end of its previous exchange), by address. */
  private readonly lastReplyAt = new Map<number, number>();

  constructor(
    private readonly port: SerialPortLike,
    private readonly addresses: number[],
  ) {
    this.sim = new SimulatedOsdpBus('bench', systemClock, addresses.map((address) => ({ address })));
    this.sim.attach({
      write: (data) => {
        const now = performance.now();
        if (this.cardSentAt === 0 && isCardReply(data)) this.cardSentAt = now;
        if (data[0] === 0xff) this.lastReplyAt.set((data[2] ?? 0) & 0x7f, now);
        port.write(data);
      },
      on: (event, listener) => port.on(event, listener),
      off: (event, listener) => port.off(event, listener),
      close: () => port.close(),
    } as SerialPortLike);
  }

  /**
   * Presents `samples` cards round the PDs, each at a random point of the polling cycle,
   * and times it until that PD's relay 0 goes on; `relayOn` asks the CP to lock again,
   * and the next card waits until the relay is off.
   */
  async cardToOut(samples: number, relayOn: (address: number) => void): Promise<CardSamples> {
    const result: CardSamples = { total: [], pollWait: [], ownCycle: [] };
    for (let i = 0; i < samples; i++) {
      const address = this.addresses[i % this.addresses.length] as number;
      const pd = this.sim.pd(address);
      await sleep(Math.random() * 5);
      let onAt = 0;
      const off = pd.onOutputChange((c) => {
        if (c.output === 0 && c.active && onAt === 0) onAt = performance.now();
      });
      const on = pd.waitForOutput(0, true, 2000);
      this.cardSentAt = 0;
      const t0 = performance.now();
      const previousReply = this.lastReplyAt.get(address) ?? t0;
      pd.presentCard('h10301', 1, i);
      await on;
      off();
      result.total.push(onAt - t0);
      result.pollWait.push(this.cardSentAt - t0);
      result.ownCycle.push(this.cardSentAt - previousReply);
      const relocked = pd.waitForOutput(0, false, 2000);
      relayOn(address);
      await relocked;
    }
    return result;
  }

  async close(): Promise<void> {
    this.sim.detach();
    await this.port.close();
  }
}

function serve(): void {
  let pds: BenchPds | undefined;
  const send = (m: PdsMessage) => process.send?.(m);
  process.on('message', (request: PdsRequest) => {
    if (request.type === 'start') {
      void serialPortFactory({ busId: 'bench', path: request.path, baudRate: 115200, addresses: [] }).then((port) => {
        pds = new BenchPds(port, request.addresses);
        send({ type: 'ready' });
      });
    } else if (request.type === 'cards') {
      void pds?.cardToOut(request.samples, (address) => send({ type: 'relay-on', address })).then((r) => send({ type: 'cards-done', ...r }));
    } else {
      void pds?.close().then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) serve();
