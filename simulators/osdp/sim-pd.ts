/**
 * A simulated OSDP PD: a reader with keypad plus an I/O board (relay outputs, door
 * contact and other inputs, tamper). It answers real command frames with real reply
 * frames, following SIA OSDP v2.2 (sequence numbers, repeated-SQN resend, secure channel),
 * and is scripted from tests and the demo: present a card, press keys, open the door,
 * tamper, and inject faults (slow replies, BUSY, corrupted bytes, silence).
 */
import type { Clock } from '../../src/clock.js';
import { encodeCard, type CardFormatName } from '../../devices/osdp/card-formats.js';
import { isOsdpError } from '../../devices/osdp/errors.js';
import { BROADCAST_ADDRESS, encodeFrame, hasMac, type DecodedFrame, type SecurityBlock } from '../../devices/osdp/frame.js';
import {
  NakReason, OutControl, clientUidOf, decodeCommand, encodeReply, type Command, type LedControl, type PdIdentity, type Reply,
} from '../../devices/osdp/messages/index.js';
import { SimPdSecure, type SimSecureOptions } from './sim-secure.js';
import { remember } from '../history.js';

export type SimFault =
  | { kind: 'none' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'busy'; replies: number }
  | { kind: 'corrupt'; replies: number }
  | { kind: 'silent' };

export interface SimPdOptions {
  address: number;
  clock: Clock;
  identity?: Partial<PdIdentity>;
  inputCount?: number;
  outputCount?: number;
  secure?: SimSecureOptions;
  /** An older PD that checks only the 8-bit checksum: CRC-16 commands get NAK 0x01 (section 5.8). */
  checksumOnly?: boolean;
}

export interface OutputChange {
  output: number;
  active: boolean;
  at: number;
}

const NO_SB = undefined;
export class SimulatedPd {
  /** Changes after osdp_COMSET (section 6.13), once the osdp_COM reply has gone out. */
  address: number;
  readonly identity: PdIdentity;
  readonly inputs: boolean[];
  readonly outputs: boolean[];
  private readonly permanent: boolean[];
  private readonly outputTimers: (() => void)[] = [];
  tamper = false;
  powerFailure = false;
  lastLed?: LedControl;
  lastBuzzer?: Extract<Command, { type: 'buz' }>;
  lastText?: string;
  fault: SimFault = { kind: 'none' };
  /** The latest commands accepted (see simulators/history.ts), newest last (for expect helpers). */
  readonly received: Command[] = [];
  /** Every command accepted since start, by type: unlike `received`, never trimmed, so counts stay true while polls flood in. */
  private readonly receivedCounts = new Map<Command['type'], number>();
  /** The latest output changes, newest last. */
  readonly outputChanges: OutputChange[] = [];
  private readonly reports: Reply[] = [];
  private readonly outputListeners = new Set<(c: OutputChange) => void>();
  private lastSequence?: number;
  private last?: { code: number; reply: Uint8Array };
  /** Our address, or 0x7F while answering a broadcast (libosdp replies 0xFF to those). */
  private replyAddress: number;
  private newAddress?: number;
  private readonly secure: SimPdSecure;

  constructor(private readonly options: SimPdOptions) {
    this.address = options.address;
    this.replyAddress = options.address;
    this.identity = {
      vendorCode: 0x5ca1ab, model: 1, version: 1, serialNumber: 0x1000 + options.address,
      firmware: { major: 1, minor: 0, build: 0 }, ...options.identity,
    };
    this.inputs = new Array<boolean>(options.inputCount ?? 4).fill(false);
    this.outputs = new Array<boolean>(options.outputCount ?? 4).fill(false);
    this.permanent = [...this.outputs];
    this.secure = new SimPdSecure({ ...options.secure }, clientUidOf(this.identity));
  }

  get secureChannelActive(): boolean {
    return this.secure.session !== undefined;
  }

  // ---- scripting -------------------------------------------------------------

  presentCard(format: CardFormatName, facility: number, card: number, reader = 0): void {
    const { bitCount, bits } = encodeCard(format, facility, card);
    this.presentRawCard(bitCount, bits, reader);
  }

  presentRawCard(bitCount: number, bits: Uint8Array, reader = 0): void {
    this.reports.push({ type: 'raw', reader, format: 1, bitCount, bits });
  }

  pressKeys(digits: string, reader = 0): void {
    this.reports.push({ type: 'keypad', reader, digits });
  }

  setInput(input: number, active: boolean): void {
    this.inputs[input] = active;
    this.reports.push({ type: 'istatr', inputs: [...this.inputs] });
  }

  setTamper(active: boolean): void {
    this.tamper = active;
    this.reports.push({ type: 'lstatr', tamper: active, powerFailure: this.powerFailure });
  }

  setFault(fault: SimFault): void {
    this.fault = fault;
  }

  onOutputChange(listener: (c: OutputChange) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** Resolves at the next change of `output` to `active` (or at once if it already is). */
  waitForOutput(output: number, active: boolean, timeoutMs = 5000): Promise<OutputChange> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`output ${output} did not become ${active} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onOutputChange((c) => {
        if (c.output === output && c.active === active) {
          clearTimeout(timer);
          off();
          resolve(c);
        }
      });
    });
  }

  // ---- protocol --------------------------------------------------------------

  /** Answers one command frame addressed to this PD; undefined = stay silent. */
  handle(frame: DecodedFrame): Uint8Array | undefined {
    if (this.fault.kind === 'silent') return undefined;
    this.replyAddress = frame.address === BROADCAST_ADDRESS ? BROADCAST_ADDRESS : this.address;
    if (this.options.checksumOnly && frame.useCrc) return this.nakBytes(frame, NakReason.CHECK, frame.sequence, false);
    if (this.fault.kind === 'busy' && this.fault.replies > 0) {
      this.fault.replies--;
      // Section 7.16: BUSY is sent in plain text with SQN 0.
      return this.encode({ type: 'busy' }, 0, frame.useCrc, NO_SB, false);
    }
    const reply = this.reply(frame);
    if (this.newAddress !== undefined) {
      this.address = this.newAddress;
      this.newAddress = undefined;
    }
    if (reply && this.fault.kind === 'corrupt' && this.fault.replies > 0) {
      this.fault.replies--;
      const bad = reply.slice();
      bad[bad.length - 3] = (bad[bad.length - 3] as number) ^ 0x5a;
      return bad;
    }
    return reply;
  }

  private reply(frame: DecodedFrame): Uint8Array | undefined {
    const seq = frame.sequence;
    // Section 5.7: a repeated SQN asks for the last reply again. Like libosdp's PD, the
    // command code must match too (a CP may rebuild the frame for its retry).
    if (seq !== 0 && seq === this.lastSequence && this.last?.code === frame.code) return this.last.reply;
    if (seq === 0) this.secure.drop();
    else if (this.lastSequence === undefined || seq !== (this.lastSequence % 3) + 1) {
      return this.nak(frame, NakReason.SEQUENCE, seq);
    }
    const answer = this.process(frame);
    const bytes = 'nak' in answer
      ? this.nakBytes(frame, answer.nak, seq)
      : this.encode(answer.reply, seq, frame.useCrc, answer.securityBlock, this.secure.session !== undefined && !answer.securityBlock);
    this.lastSequence = seq;
    this.last = { code: frame.code, reply: bytes };
    return bytes;
  }

  private process(frame: DecodedFrame): { reply: Reply; securityBlock?: SecurityBlock } | { nak: number } {
    let data = frame.data;
    const sealed = hasMac(frame.securityBlock);
    if (this.secure.session && frame.code !== 0x76) {
      if (!sealed) {
        this.secure.drop();
        return { nak: NakReason.SECURITY_CONDITION };
      }
      try {
        data = this.secure.open(frame);
      } catch {
        this.secure.drop();
        return { nak: NakReason.SECURITY_CONDITION };
      }
    } else if (sealed) {
      return { nak: NakReason.SECURITY_CONDITION };
    }
    let command: Command;
    try {
      command = decodeCommand(frame.code, data);
    } catch (e) {
      const unknown = isOsdpError(e) && e.code === 'OSDP_MESSAGE_UNKNOWN_CODE';
      return { nak: unknown ? NakReason.UNKNOWN_COMMAND : NakReason.COMMAND_LENGTH };
    }
    remember(this.received, command);
    this.receivedCounts.set(command.type, this.timesReceived(command.type) + 1);
    return this.execute(command, frame.securityBlock);
  }

  /** How many commands of this type the PD has accepted since it started. */
  timesReceived(type: Command['type']): number {
    return this.receivedCounts.get(type) ?? 0;
  }

  private execute(command: Command, sb: SecurityBlock | undefined): { reply: Reply; securityBlock?: SecurityBlock } | { nak: number } {
    switch (command.type) {
      case 'poll': return { reply: this.reports.shift() ?? { type: 'ack' } };
      case 'id': return { reply: { type: 'pdid', ...this.identity } };
      case 'cap': return { reply: { type: 'pdcap', capabilities: this.capabilities() } };
      case 'lstat': return { reply: { type: 'lstatr', tamper: this.tamper, powerFailure: this.powerFailure } };
      case 'istat': return { reply: { type: 'istatr', inputs: [...this.inputs] } };
      case 'ostat': return { reply: { type: 'ostatr', outputs: [...this.outputs] } };
      case 'rstat': return { reply: { type: 'rstatr', readers: [0] } };
      case 'out':
        for (const o of command.outputs) this.applyOutput(o.output, o.control, o.timer);
        return { reply: { type: 'ack' } };
      case 'led': this.lastLed = command.leds.at(-1); return { reply: { type: 'ack' } };
      case 'buz': this.lastBuzzer = command; return { reply: { type: 'ack' } };
      case 'text': this.lastText = command.text; return { reply: { type: 'ack' } };
      case 'comset':
        // The pty has no baud rate to change; the new address takes effect after the reply.
        this.newAddress = command.address;
        return { reply: { type: 'com', address: command.address, baudRate: command.baudRate } };
      case 'chlng': return this.secure.onChallenge(command.rndA, sb);
      case 'scrypt': return this.secure.onServerCryptogram(command.cryptogram);
      case 'keyset':
        if (!this.secure.session) return { nak: NakReason.SECURITY_CONDITION };
        this.secure.onKeyset(command.key);
        return { reply: { type: 'ack' } };
    }
  }

  private capabilities(): { code: number; compliance: number; count: number }[] {
    const sc = this.options.secure?.supported === false ? 0 : 1;
    return [
      { code: 1, compliance: 1, count: this.inputs.length },
      { code: 2, compliance: 1, count: this.outputs.length },
      { code: 3, compliance: 1, count: 0 },
      { code: 4, compliance: 1, count: 1 },
      { code: 5, compliance: 1, count: 1 },
      { code: 8, compliance: this.options.checksumOnly ? 0 : 1, count: 0 },
      { code: 9, compliance: sc, count: sc },
    ];
  }

  /** OUT control codes, section 6.7. */
  private applyOutput(output: number, control: number, timer: number): void {
    if (output >= this.outputs.length) return;
    const cancel = () => this.outputTimers[output]?.();
    if (control === OutControl.PERMANENT_OFF_ABORT_TIMED || control === OutControl.PERMANENT_ON_ABORT_TIMED) {
      cancel();
      this.permanent[output] = control === OutControl.PERMANENT_ON_ABORT_TIMED;
      this.setOutput(output, this.permanent[output] as boolean);
    } else if (control === OutControl.PERMANENT_OFF_AFTER_TIMED || control === OutControl.PERMANENT_ON_AFTER_TIMED) {
      this.permanent[output] = control === OutControl.PERMANENT_ON_AFTER_TIMED;
      if (!this.outputTimers[output]) this.setOutput(output, this.permanent[output] as boolean);
    } else if (control === OutControl.TEMPORARY_ON || control === OutControl.TEMPORARY_OFF) {
      cancel();
      this.setOutput(output, control === OutControl.TEMPORARY_ON);
      const stop = this.options.clock.setTimeout(() => {
        delete this.outputTimers[output];
        this.setOutput(output, this.permanent[output] as boolean);
      }, timer * 100);
      this.outputTimers[output] = () => {
        stop();
        delete this.outputTimers[output];
      };
    }
  }

  private setOutput(output: number, active: boolean): void {
    this.outputs[output] = active;
    const change = { output, active, at: this.options.clock.now() };
    remember(this.outputChanges, change);
    for (const l of [...this.outputListeners]) l(change);
  }

  private nak(frame: DecodedFrame, reason: number, seq: number): Uint8Array {
    return this.nakBytes(frame, reason, seq);
  }

  private nakBytes(frame: DecodedFrame, reason: number, seq: number, useCrc = frame.useCrc): Uint8Array {
    return this.encode({ type: 'nak', reason, detail: new Uint8Array(0) }, seq, useCrc, NO_SB, false);
  }

  private encode(reply: Reply, sequence: number, useCrc: boolean, securityBlock: SecurityBlock | undefined, seal: boolean): Uint8Array {
    const { code, data } = encodeReply(reply);
    const base = { address: this.replyAddress, reply: true, sequence, useCrc, code };
    if (seal && this.secure.session) {
      const sealed = this.secure.session.seal(data);
      return encodeFrame({ ...base, data: sealed.data, securityBlock: sealed.securityBlock }, { mark: true, macFor: sealed.macFor });
    }
    return encodeFrame({ ...base, data, ...(securityBlock ? { securityBlock } : {}) }, { mark: true });
  }
}
