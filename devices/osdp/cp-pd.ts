/**
 * The CP's view of one PD on a bus: link state (sequence number, secure channel, init
 * phase, liveness) and what to send next. It builds frames and digests replies; the bus
 * (cp-bus.ts) owns the port, the timers and the turn-taking.
 *
 * SIA OSDP v2.2 section 5.7 (sequence numbers): the CP starts a link with SQN 0, then
 * cycles 1,2,3,1...; a PD answers with the SQN of the command. A repeated SQN asks the PD
 * to resend its last reply, so a retry resends the very same bytes (also what keeps the
 * secure channel's MAC chain intact). Section 5.9: a PD that has not answered for 8 s
 * is offline.
 */
import type { Logger } from 'pino';
import { CommandQueue, type QueuedCommand, type QueueRank } from './cp-queue.js';
import { CpHandshake, KEY_SCBK, KEY_SCBK_D, type SecureConfig } from './cp-secure.js';
import { isOsdpError } from './errors.js';
import { encodeFrame, hasMac, type DecodedFrame, type SecurityBlock } from './frame.js';
import { NakReason, ReplyCode, decodeReply, encodeCommand, nakReasonName, type Command, type PdIdentity, type Reply } from './messages/index.js';
import type { ScSession } from './sc-session.js';

export interface PdConfig {
  address: number;
  secure?: SecureConfig;
}

export interface LinkTiming {
  offlineAfterMs: number;
  maxRetries: number;
  offlineRetryMs: number;
  busyRetryMs: number;
}

export type PdEvent =
  | { type: 'pd-online'; address: number; identity?: PdIdentity; secure: boolean }
  | { type: 'pd-offline'; address: number; reason: string }
  | { type: 'card'; address: number; reader: number; format: number; bitCount: number; bits: Uint8Array }
  | { type: 'keypad'; address: number; reader: number; digits: string }
  | { type: 'inputs'; address: number; inputs: boolean[] }
  | { type: 'local-status'; address: number; tamper: boolean; powerFailure: boolean }
  | { type: 'outputs'; address: number; outputs: boolean[] };

export type { QueuedCommand } from './cp-queue.js';

type Phase = 'id' | 'cap' | 'sc-chlng' | 'sc-scrypt' | 'sc-keyset' | 'lstat' | 'istat' | 'ready' | 'refused';

interface InFlight {
  bytes: Uint8Array;
  sequence: number;
  attempts: number;
  item?: QueuedCommand;
  kind: Command['type'];
}

export interface PdStats {
  sent: number;
  retries: number;
  timeouts: number;
  naks: number;
  busy: number;
  rejectedReplies: number;
  polls: number;
}

export class PdLink {
  phase: Phase = 'id';
  private reported: 'unknown' | 'online' | 'offline' = 'unknown';
  private sequence = 0;
  private session?: ScSession;
  private handshake?: CpHandshake;
  private handshakeStep?: { command: Command; securityBlock: SecurityBlock };
  private inFlight?: InFlight;
  private readonly queue = new CommandQueue();
  private lastValidAt: number;
  /** CRC-16 unless the PD showed it checks only the checksum (PDCAP function 8, or NAK 0x01 sent in checksum mode). */
  private useCrc = true;
  private offlineAttempts = 0;
  retryAt = 0;
  identity?: PdIdentity;
  readonly stats: PdStats = { sent: 0, retries: 0, timeouts: 0, naks: 0, busy: 0, rejectedReplies: 0, polls: 0 };

  constructor(
    readonly config: PdConfig,
    private readonly timing: LinkTiming,
    private readonly emit: (e: PdEvent) => void,
    private readonly log: Logger,
    now: number,
    private readonly mark: boolean,
  ) {
    this.lastValidAt = now;
  }

  get address(): number {
    return this.config.address;
  }
  get online(): boolean {
    return this.reported === 'online';
  }
  get secure(): boolean {
    return this.session !== undefined;
  }
  get hasQueued(): boolean {
    return this.phase === 'ready' && this.queue.length > 0;
  }

  /** `order` is the bus-wide arrival number (cp-queue.ts: an OUT overtakes queued feedback). */
  enqueue(item: QueuedCommand, order: number): void {
    this.queue.push(item, order);
  }

  /** How urgent this PD's next queued command is; undefined when nothing is queued or it is not ready. */
  get queuedRank(): QueueRank | undefined {
    return this.hasQueued ? this.queue.headRank() : undefined;
  }

  /** Ready to transmit now? */
  wants(now: number): boolean {
    return now >= this.retryAt;
  }

  /** The bytes to send on this PD's turn: a retry, the init/handshake step, a queued command or POLL. */
  next(now: number): Uint8Array {
    if (this.inFlight) {
      this.inFlight.attempts++;
      this.stats.retries++;
      this.stats.sent++;
      return this.inFlight.bytes;
    }
    if (this.phase === 'refused') this.resetLink('retrying after refusal');
    const { command, securityBlock, item } = this.choose(now);
    const bytes = this.build(command, securityBlock);
    this.inFlight = { bytes, sequence: this.sequence, attempts: 1, kind: command.type, ...(item ? { item } : {}) };
    if (command.type === 'poll') this.stats.polls++;
    this.stats.sent++;
    return bytes;
  }

  private choose(now: number): { command: Command; securityBlock?: SecurityBlock; item?: QueuedCommand } {
    switch (this.phase) {
      case 'id': return { command: { type: 'id' } };
      case 'cap': return { command: { type: 'cap' } };
      case 'sc-chlng': return (this.handshake as CpHandshake).challenge();
      case 'sc-scrypt': if (this.handshakeStep) return this.handshakeStep; break;
      case 'lstat': return { command: { type: 'lstat' } };
      case 'istat': return { command: { type: 'istat' } };
      case 'sc-keyset': return { command: { type: 'keyset', keyType: 1, key: this.handshake?.scbk ?? new Uint8Array(16) } };
      default: break;
    }
    for (let item = this.queue.shift(); item; item = this.queue.shift()) {
      if ((item.notAfter !== undefined && now > item.notAfter) || item.isExpired?.() === true) {
        this.log.warn({ address: this.address, command: item.command.type }, 'osdp: command expired before it could be sent; dropped');
        item.onDone?.(false, 'expired');
        continue;
      }
      return { command: item.command, item };
    }
    return { command: { type: 'poll' } };
  }

  private build(command: Command, securityBlock?: SecurityBlock): Uint8Array {
    const { code, data } = encodeCommand(command);
    const base = { address: this.address, reply: false, sequence: this.sequence, useCrc: this.useCrc, code };
    if (this.session && !securityBlock) {
      const sealed = this.session.seal(data);
      return encodeFrame({ ...base, data: sealed.data, securityBlock: sealed.securityBlock }, { mark: this.mark, macFor: sealed.macFor });
    }
    return encodeFrame({ ...base, data, ...(securityBlock ? { securityBlock } : {}) }, { mark: this.mark });
  }

  /** Digests a frame addressed from this PD. Returns false when it is not the awaited reply. */
  onReply(frame: DecodedFrame, now: number): boolean {
    const flight = this.inFlight;
    if (!flight) return false;
    if (frame.code === ReplyCode.BUSY && frame.data.length === 0 && !frame.securityBlock) {
      // Section 7.16: the PD is alive but cannot answer yet; resend the same command shortly.
      this.stats.busy++;
      this.lastValidAt = now;
      this.retryAt = now + this.timing.busyRetryMs;
      flight.attempts = Math.max(0, flight.attempts - 1);
      return true;
    }
    if (frame.sequence !== flight.sequence) {
      this.reject('sequence mismatch (stale reply)');
      return false;
    }
    const data = this.unwrap(frame);
    if (!data) return false;
    this.lastValidAt = now;
    this.offlineAttempts = 0;
    this.inFlight = undefined;
    this.sequence = this.sequence === 0 ? 1 : (this.sequence % 3) + 1;
    let reply: Reply;
    try {
      reply = decodeReply(frame.code, data);
    } catch (e) {
      // The checks passed, so this is what the PD meant to send: asking again would only
      // bring the same bytes back. The exchange is over; its content is refused.
      this.reject(isOsdpError(e) ? `${e.code}: ${e.message}` : String(e));
      flight.item?.onDone?.(false, 'undecodable reply');
      return true;
    }
    this.dispatch(reply, frame, flight, now);
    return true;
  }

  /** Checks the secure channel state and MAC; returns the plaintext data, or undefined to ignore the frame. */
  private unwrap(frame: DecodedFrame): Uint8Array | undefined {
    if (!this.session) {
      return hasMac(frame.securityBlock) ? this.reject('MAC-protected reply without a secure channel') : frame.data;
    }
    if (!hasMac(frame.securityBlock)) {
      // A PD that dropped the channel answers NAK in plain text; nothing else counts.
      return frame.code === ReplyCode.NAK ? frame.data : this.reject('plain-text reply inside the secure channel');
    }
    try {
      return this.session.open(frame);
    } catch (e) {
      this.log.warn({ address: this.address, code: isOsdpError(e) ? e.code : 'unknown' }, 'osdp: secure channel check failed; resetting link');
      this.stats.rejectedReplies++;
      this.resetLink('secure channel failure');
      return undefined;
    }
  }

  private reject(reason: string): undefined {
    this.stats.rejectedReplies++;
    this.log.warn({ address: this.address, reason }, 'osdp: reply rejected');
    return undefined;
  }

  private dispatch(reply: Reply, frame: DecodedFrame, flight: InFlight, now: number): void {
    if (reply.type === 'nak') {
      if (reply.reason === NakReason.CHECK && !frame.useCrc) this.fallBackToChecksum('it answered NAK 0x01 in checksum mode');
      this.onNak(reply.reason, flight, now);
      return;
    }
    this.report(reply);
    try {
      this.advancePhase(reply, frame);
    } catch (e) {
      this.onHandshakeFailure(isOsdpError(e) ? e.message : String(e), now);
      return;
    }
    flight.item?.onDone?.(true, reply.type);
  }

  /** Unsolicited and solicited reports become events (card/keypad only once the link is ready). */
  private report(reply: Reply): void {
    // With a secure channel required, nothing from the PD counts before it is established.
    if (this.config.secure && this.config.secure.mode !== 'off' && !this.session) return;
    const address = this.address;
    if (reply.type === 'lstatr') this.emit({ type: 'local-status', address, tamper: reply.tamper, powerFailure: reply.powerFailure });
    else if (reply.type === 'istatr') this.emit({ type: 'inputs', address, inputs: reply.inputs });
    else if (reply.type === 'ostatr') this.emit({ type: 'outputs', address, outputs: reply.outputs });
    else if (this.phase !== 'ready') return;
    else if (reply.type === 'raw') this.emit({ type: 'card', address, reader: reply.reader, format: reply.format, bitCount: reply.bitCount, bits: reply.bits });
    else if (reply.type === 'keypad') this.emit({ type: 'keypad', address, reader: reply.reader, digits: reply.digits });
  }

  private advancePhase(reply: Reply, frame: DecodedFrame): void {
    switch (this.phase) {
      case 'id':
        if (reply.type === 'pdid') this.identity = { ...reply };
        this.phase = 'cap';
        return;
      case 'cap':
        // Section 7.5, function code 8 (check character support): compliance 0 = checksum only.
        if (reply.type === 'pdcap' && reply.capabilities.some((c) => c.code === 8 && c.compliance === 0)) {
          this.fallBackToChecksum('its PDCAP reports no CRC-16 support');
        }
        this.startSecureChannel(KEY_SCBK);
        return;
      case 'sc-chlng': {
        const hs = this.handshake as CpHandshake;
        try {
          this.handshakeStep = hs.onClientCryptogram(reply, frame.securityBlock);
        } catch (e) {
          if (this.tryInstallKey()) return;
          throw e;
        }
        this.phase = 'sc-scrypt';
        return;
      }
      case 'sc-scrypt':
        this.session = (this.handshake as CpHandshake).onInitialRmac(reply, frame.securityBlock);
        this.phase = this.handshake?.keySelector === KEY_SCBK_D ? 'sc-keyset' : 'lstat';
        return;
      case 'sc-keyset':
        this.log.warn({ address: this.address }, 'osdp: SCBK installed on the PD; switch its config to secure mode "required"');
        this.session = undefined;
        this.startSecureChannel(KEY_SCBK);
        return;
      case 'lstat':
        this.phase = 'istat';
        return;
      case 'istat':
        this.phase = 'ready';
        this.markOnline();
        return;
      default:
    }
  }

  /** A PD without CRC-16 (older v1.x readers) is addressed with the 8-bit checksum (section 5.8). */
  private fallBackToChecksum(why: string): void {
    if (!this.useCrc) return;
    this.useCrc = false;
    this.log.info({ address: this.address, why }, 'osdp: PD checks only the checksum; using it instead of CRC-16');
  }

  /**
   * Install mode only (explicitly configured): the PD does not know our SCBK yet, so
   * try the well-known SCBK-D once; osdp_KEYSET then installs the real SCBK.
   */
  private tryInstallKey(): boolean {
    if (this.config.secure?.mode !== 'install' || this.handshake?.keySelector !== KEY_SCBK) return false;
    this.log.warn({ address: this.address }, 'osdp: SCBK not accepted; install mode: trying the default key SCBK-D');
    this.startSecureChannel(KEY_SCBK_D);
    return true;
  }

  /** osdp_SCRYPT is sent as this PD's next command (a special case of choose()). */
  private startSecureChannel(keySelector: number): void {
    if (!this.config.secure || this.config.secure.mode === 'off') {
      this.phase = 'lstat';
      return;
    }
    this.handshake = new CpHandshake(this.config.secure, keySelector);
    this.phase = 'sc-chlng';
  }

  private onNak(reason: number, flight: InFlight, now: number): void {
    this.stats.naks++;
    this.log.warn({ address: this.address, command: flight.kind, reason: nakReasonName(reason) }, 'osdp: PD answered NAK');
    flight.item?.onDone?.(false, `NAK: ${nakReasonName(reason)}`);
    if (this.phase === 'sc-chlng' && this.tryInstallKey()) return;
    if (this.phase === 'sc-chlng' || this.phase === 'sc-scrypt' || this.phase === 'sc-keyset') {
      this.onHandshakeFailure(`NAK to secure channel setup: ${nakReasonName(reason)}`, now);
    } else if (reason === NakReason.SEQUENCE || reason === NakReason.SECURITY_CONDITION || reason === NakReason.CHECK) {
      this.resetLink(`NAK: ${nakReasonName(reason)}`);
    } else if (this.phase === 'id' || this.phase === 'cap' || this.phase === 'lstat' || this.phase === 'istat') {
      // An optional query the PD does not support: carry on with the next init step.
      this.skipInitStep();
    }
  }

  private skipInitStep(): void {
    if (this.phase === 'id') this.phase = 'cap';
    else if (this.phase === 'cap') this.startSecureChannel(KEY_SCBK);
    else if (this.phase === 'lstat') this.phase = 'istat';
    else if (this.phase === 'istat') {
      this.phase = 'ready';
      this.markOnline();
    }
  }

  /** Fail secure: a PD that will not go secure is refused (never used in plain text). */
  private onHandshakeFailure(reason: string, now: number): void {
    this.log.error({ address: this.address, reason }, 'osdp: secure channel not established; PD refused');
    this.resetLink(reason);
    this.phase = 'refused';
    this.retryAt = now + this.timing.offlineRetryMs * 5;
    this.markOffline(`secure channel refused: ${reason}`);
  }

  onTimeout(now: number): void {
    this.stats.timeouts++;
    const flight = this.inFlight;
    if (flight && flight.attempts > this.timing.maxRetries) {
      this.inFlight = undefined;
      flight.item?.onDone?.(false, 'no reply');
      this.resetLink('no reply after retries');
    }
    if (now - this.lastValidAt >= this.timing.offlineAfterMs) {
      this.resetLink('offline');
      this.useCrc = true; // whatever comes back may be another PD: learn its check mode again
      // Back off (1 s, 2 s, 4 s, at most the 8 s offline period) so a dead PD costs little bus time.
      this.retryAt = now + Math.min(this.timing.offlineRetryMs * 2 ** this.offlineAttempts, this.timing.offlineAfterMs);
      this.offlineAttempts = Math.min(this.offlineAttempts + 1, 10);
      this.markOffline(`no valid reply for ${Math.round((now - this.lastValidAt) / 1000)} s`);
    }
  }

  /** Bus gone: the PD cannot be reached; queued commands stay subject to their expiry. */
  onBusDown(reason: string): void {
    this.resetLink(reason);
    this.markOffline(reason);
  }

  /** Start over with SQN 0 (section 5.7), which also ends any secure channel. */
  resetLink(reason: string): void {
    if (this.phase !== 'id') this.log.debug({ address: this.address, reason }, 'osdp: link reset');
    if (this.inFlight?.item) this.queue.putBack(this.inFlight.item);
    this.inFlight = undefined;
    this.sequence = 0;
    this.session = undefined;
    this.handshake = undefined;
    this.handshakeStep = undefined;
    this.phase = 'id';
  }

  private markOnline(): void {
    if (this.reported === 'online') return;
    this.reported = 'online';
    this.emit({ type: 'pd-online', address: this.address, secure: this.secure, ...(this.identity ? { identity: this.identity } : {}) });
  }

  private markOffline(reason: string): void {
    if (this.reported === 'offline') return;
    this.reported = 'offline';
    this.emit({ type: 'pd-offline', address: this.address, reason });
  }
}
