/**
 * One OSDP bus driven by the CP (SIA OSDP v2.2 section 5: half duplex, the CP speaks,
 * one addressed PD answers within 200 ms). Owns the port, the frame parser, the reply
 * timer and the turn-taking between PDs; per-PD protocol state lives in PdLink.
 * Queued commands go out before the next POLL, an OUT first (so a card read turns into an
 * OUT as the very next frame); otherwise PDs are polled round robin, continuously. A port that
 * closes (adapter unplugged) is reopened with exponential backoff.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import { PdLink, type LinkTiming, type PdConfig, type PdEvent, type QueuedCommand } from './cp-pd.js';
import { ranksBefore, type QueueRank } from './cp-queue.js';
import { FrameParser } from './frame-parser.js';
import type { DecodedFrame } from './frame.js';
import type { PortFactory, SerialPortLike } from './port.js';

export interface BusTiming extends LinkTiming {
  replyTimeoutMs: number;
  /** Minimum time between the starts of two polling rounds (0 = as fast as the wire allows). */
  minCycleMs: number;
  reopenMinMs: number;
  reopenMaxMs: number;
}

export const DEFAULT_TIMING: BusTiming = {
  replyTimeoutMs: 200,
  offlineAfterMs: 8000,
  maxRetries: 3,
  offlineRetryMs: 1000,
  busyRetryMs: 50,
  minCycleMs: 0,
  reopenMinMs: 500,
  reopenMaxMs: 30_000,
};

export type BusEvent =
  | PdEvent
  | { type: 'bus-up'; busId: string }
  | { type: 'bus-down'; busId: string; reason: string };

export interface BusOptions {
  busId: string;
  path: string;
  baudRate: number;
  pds: PdConfig[];
  portFactory: PortFactory;
  clock: Clock;
  logger: Logger;
  timing?: Partial<BusTiming>;
  /** Send the 0xFF mark byte before each packet (default true). */
  mark?: boolean;
}

export class OsdpBus {
  readonly busId: string;
  private readonly timing: BusTiming;
  private readonly links: PdLink[];
  private readonly listeners = new Set<(e: BusEvent) => void>();
  private readonly parser: FrameParser;
  private readonly log: Logger;
  private port?: SerialPortLike;
  private current?: { link: PdLink; cancelTimeout: () => void };
  private cancelWake?: () => void;
  private cancelReopen?: () => void;
  private rr = 0;
  private arrivals = 0;
  private cycleStartedAt = -Infinity;
  private stopped = true;
  private reopenDelay: number;
  private busUp: boolean | undefined;
  readonly stats = { transactions: 0, framesIgnored: 0, reopens: 0 };

  constructor(private readonly options: BusOptions) {
    this.busId = options.busId;
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.reopenDelay = this.timing.reopenMinMs;
    this.log = options.logger.child({ bus: options.busId });
    const now = options.clock.now();
    this.links = options.pds.map((pd) => new PdLink(pd, this.timing, (e) => this.emit(e), this.log, now, options.mark ?? true));
    this.parser = new FrameParser({
      onFrame: (f) => this.onFrame(f),
      onReject: (e) => this.log.debug({ code: e.code, reason: e.message }, 'osdp: bytes rejected by the framer'),
    });
  }

  onEvent(listener: (e: BusEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  link(address: number): PdLink | undefined {
    return this.links.find((l) => l.address === address);
  }

  get isUp(): boolean {
    return this.port !== undefined;
  }

  get parserStats(): FrameParser['stats'] {
    return this.parser.stats;
  }

  /** Queues a command for a PD; false when the address is not on this bus. */
  enqueue(address: number, item: QueuedCommand): boolean {
    const link = this.link(address);
    if (!link) return false;
    link.enqueue(item, this.arrivals++);
    this.kick();
    return true;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.cancelTimeout();
    this.current = undefined;
    this.cancelWake?.();
    this.cancelReopen?.();
    const port = this.port;
    this.port = undefined;
    await port?.close();
  }

  private emit(e: BusEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.log.error({ err }, 'osdp: event listener failed');
      }
    }
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const { busId, path, baudRate } = this.options;
    try {
      const port = await this.options.portFactory({ busId, path, baudRate, addresses: this.links.map((l) => l.address) });
      if (this.stopped) {
        await port.close();
        return;
      }
      this.attach(port);
    } catch (err) {
      this.onPortLost(err instanceof Error ? err.message : String(err));
    }
  }

  private attach(port: SerialPortLike): void {
    this.port = port;
    this.reopenDelay = this.timing.reopenMinMs;
    this.parser.reset();
    port.on('data', (chunk) => this.parser.push(chunk));
    port.on('close', (reason) => {
      if (this.port !== port) return;
      this.port = undefined;
      this.onPortLost(reason?.message ?? 'port closed');
    });
    for (const link of this.links) link.resetLink('bus (re)opened');
    if (this.busUp !== true) {
      this.busUp = true;
      this.log.info({ path: this.options.path }, 'osdp: bus up');
      this.emit({ type: 'bus-up', busId: this.busId });
    }
    this.kick();
  }

  private onPortLost(reason: string): void {
    this.current?.cancelTimeout();
    this.current = undefined;
    if (this.stopped) return;
    if (this.busUp !== false) {
      this.busUp = false;
      this.log.error({ path: this.options.path, reason }, 'osdp: bus down; reopening with backoff');
      this.emit({ type: 'bus-down', busId: this.busId, reason });
      for (const link of this.links) link.onBusDown(`bus down: ${reason}`);
    }
    const delay = this.reopenDelay;
    this.reopenDelay = Math.min(this.timing.reopenMaxMs, this.reopenDelay * 2);
    this.stats.reopens++;
    this.cancelReopen = this.options.clock.setTimeout(() => void this.open(), delay);
  }

  /** Starts the next transaction if the bus is idle. */
  private kick(): void {
    if (this.stopped || !this.port || this.current) return;
    const now = this.options.clock.now();
    const link = this.pick(now);
    if (!link) return;
    this.cancelWake?.();
    this.cancelWake = undefined;
    const bytes = link.next(now);
    this.parser.reset();
    // After an event-loop stall the timer and the reply are due together, and timers run
    // before I/O: the check waits for the I/O phase, so an on-time reply still counts.
    const exchange = { link, cancelTimeout: () => {} };
    exchange.cancelTimeout = this.options.clock.setTimeout(() => setImmediate(() => this.onTimeout(exchange)), this.replyDeadline(bytes.length));
    this.current = exchange;
    this.port.write(bytes);
  }

  /**
   * Section 5.9 gives the PD 200 ms to start its reply after the command; on a slow bus
   * the command and a typical reply (64 bytes) also take wire time (8N1: 10 bits a byte).
   */
  private replyDeadline(commandBytes: number): number {
    return this.timing.replyTimeoutMs + Math.ceil(((commandBytes + 64) * 10 * 1000) / this.options.baudRate);
  }

  /**
   * Queued commands go before the round robin: an OUT (door actuation) before any reader
   * feedback, then the oldest first, so a card read's unlock is the very next frame on the
   * bus even while other PDs have LED/BUZ waiting. Otherwise the next PD in round-robin order.
   */
  private pick(now: number): PdLink | undefined {
    const urgent = this.mostUrgent(now);
    if (urgent) return urgent;
    for (let tried = 0; tried < this.links.length; tried++) {
      if (this.rr === 0) {
        const gapLeft = this.cycleStartedAt + this.timing.minCycleMs - now;
        if (gapLeft > 0) return this.wakeIn(gapLeft);
        this.cycleStartedAt = now;
      }
      const link = this.links[this.rr] as PdLink;
      this.rr = (this.rr + 1) % this.links.length;
      if (link.wants(now)) return link;
    }
    const soonest = Math.min(...this.links.map((l) => l.retryAt));
    return this.wakeIn(Math.max(1, soonest - now));
  }

  private mostUrgent(now: number): PdLink | undefined {
    let best: PdLink | undefined;
    let bestRank: QueueRank | undefined;
    for (const link of this.links) {
      const rank = link.queuedRank;
      if (!rank || !link.wants(now) || !ranksBefore(rank, bestRank)) continue;
      best = link;
      bestRank = rank;
    }
    return best;
  }

  private wakeIn(ms: number): undefined {
    if (!this.cancelWake) {
      this.cancelWake = this.options.clock.setTimeout(() => {
        this.cancelWake = undefined;
        this.kick();
      }, ms);
    }
    return undefined;
  }

  private onFrame(frame: DecodedFrame): void {
    const current = this.current;
    // RS-485 adapters often echo our own commands; replies from other addresses are late.
    if (!current || !frame.reply || frame.address !== current.link.address) {
      this.stats.framesIgnored++;
      return;
    }
    if (!current.link.onReply(frame, this.options.clock.now())) return;
    current.cancelTimeout();
    this.current = undefined;
    this.stats.transactions++;
    this.kick();
  }

  /** Only for the exchange still waiting: a reply (and the next command) may have come meanwhile. */
  private onTimeout(exchange: { link: PdLink }): void {
    if (this.current !== exchange) return;
    this.current = undefined;
    exchange.link.onTimeout(this.options.clock.now());
    this.kick();
  }
}
