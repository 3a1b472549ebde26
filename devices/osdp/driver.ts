/**
 * The OSDP DoorDriver: contactd as the OSDP control panel for one or more serial buses.
 * Card reads and PINs become credential-presented events, ISTATR/LSTATR become door
 * contact and tamper events, PD and bus liveness become device-availability events.
 * Unlock becomes osdp_OUT (permanent OFF + timed ON, section 6.7) on every PD of the door;
 * feedback becomes osdp_LED + osdp_BUZ. Fail secure: an expired or repeated command is
 * dropped and logged, a misread card is refused, a PD that must go secure and will not
 * is never used.
 */
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../src/clock.js';
import type { CommandFailure, DeviceEvent, DoorCommand, DoorDriver, FollowedCommand, ReaderSignal } from '../../src/domain/device-events.js';
import { decodeCard } from './card-formats.js';
import { OsdpBus, type BusEvent, type BusTiming } from './cp-bus.js';
import type { PdConfig } from './cp-pd.js';
import type { SecureConfig } from './cp-secure.js';
import { checkReaders, keyFromEnv, type OsdpBusConfig, type OsdpReaderConfig } from './driver-config.js';
import { isOsdpError } from './errors.js';
import { LedColor, flashLed, relock, unlockPulse, type Command } from './messages/index.js';
import { PinCollector } from './pin-collector.js';
import { serialPortFactory, type PortFactory } from './port.js';

export interface OsdpDriverOptions {
  buses: OsdpBusConfig[];
  readers: OsdpReaderConfig[];
  logger: Logger;
  /** Domain time: event timestamps and command deadlines (expiresAt). */
  clock: Clock;
  /**
   * Timers of the serial protocol (200 ms reply timeout, 8 s offline, backoff). Real time
   * by default, also when the domain runs on a scaled demo clock: the wire does not speed up.
   */
  protocolClock?: Clock;
  /** Defaults to real serial ports, with `sim:<busId>` paths served by in-process simulated PDs. */
  portFactory?: PortFactory;
  /** Environment variable holding the secure channel master key (settings.serial.masterKeyEnv). */
  masterKeyEnv?: string;
  env?: Record<string, string | undefined>;
  timing?: Partial<BusTiming>;
  /** How long feedback (LED/BUZ) may wait for a busy or absent PD before it is pointless. */
  feedbackTtlMs?: number;
}

export interface OsdpDriver extends DoorDriver {
  bus(busId: string): OsdpBus | undefined;
  readonly stats: { cardsRefused: number; commandsDropped: number; duplicates: number };
}

const SIM_PREFIX = 'sim:';
/** Polling the in-process simulator flat out would burn a core for nothing. */
const SIM_MIN_CYCLE_MS = 50;
const MAX_REMEMBERED_COMMANDS = 10_000;

export function createOsdpDriver(options: OsdpDriverOptions): OsdpDriver {
  return new OsdpDoorDriver(options);
}

class OsdpDoorDriver implements OsdpDriver {
  readonly name = 'osdp';
  readonly stats = { cardsRefused: 0, commandsDropped: 0, duplicates: 0 };
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly buses: OsdpBus[];
  private readonly listeners = new Set<(e: DeviceEvent) => void>();
  private readonly pins = new PinCollector();
  private readonly seenCommands = new Set<string>();
  private readonly lastInput = new Map<string, boolean>();
  private readonly lastTamper = new Map<string, boolean>();

  constructor(private readonly options: OsdpDriverOptions) {
    checkReaders(options.buses, options.readers);
    this.log = options.logger.child({ driver: 'osdp' });
    this.clock = options.clock;
    const protocolClock = options.protocolClock ?? systemClock;
    const portFactory = options.portFactory ?? defaultPortFactory(protocolClock);
    const env = options.env ?? process.env;
    const masterKey = keyFromEnv(env, options.masterKeyEnv);
    this.buses = options.buses.map((b) => {
      const readers = options.readers.filter((r) => r.bus === b.id);
      const pds: PdConfig[] = readers.map((r) => {
        const secure = this.secureConfig(r, env, masterKey);
        return { address: r.address, ...(secure ? { secure } : {}) };
      });
      const simTiming = b.path.startsWith(SIM_PREFIX) ? { minCycleMs: SIM_MIN_CYCLE_MS } : {};
      const bus = new OsdpBus({
        busId: b.id, path: b.path, baudRate: b.baudRate, pds, portFactory, clock: protocolClock, logger: this.log,
        timing: { ...simTiming, ...options.timing },
      });
      bus.onEvent((e) => this.onBusEvent(b.id, readers, e));
      return bus;
    });
  }

  bus(busId: string): OsdpBus | undefined {
    return this.buses.find((b) => b.busId === busId);
  }

  async start(): Promise<void> {
    await Promise.all(this.buses.map((b) => b.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.buses.map((b) => b.stop()));
  }

  onEvent(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  execute(command: DoorCommand): void {
    try {
      this.dispatch(command);
    } catch (err) {
      this.log.error({ err, command: command.type }, 'osdp: command failed');
    }
  }

  private secureConfig(r: OsdpReaderConfig, env: Record<string, string | undefined>, masterKey: Uint8Array | undefined): SecureConfig | undefined {
    if (!r.secure || r.secure.mode === 'off') return undefined;
    const scbk = keyFromEnv(env, r.secure.scbkEnv);
    if (!scbk && !masterKey) this.log.error({ reader: r.readerId }, 'osdp: secure channel configured without a key; the PD will be refused');
    return { mode: r.secure.mode, ...(scbk ? { scbk } : {}), ...(masterKey ? { masterKey } : {}) };
  }

  private emit(event: DeviceEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err }, 'osdp: event listener failed');
      }
    }
  }

  private onBusEvent(busId: string, readers: OsdpReaderConfig[], e: BusEvent): void {
    const at = this.clock.now();
    if (e.type === 'bus-up' || e.type === 'bus-down') {
      const reason = e.type === 'bus-down' ? { reason: e.reason } : {};
      this.emit({ type: 'device-availability', deviceId: busId, deviceKind: 'bus', online: e.type === 'bus-up', ...reason, at });
      return;
    }
    const reader = readers.find((r) => r.address === e.address);
    if (!reader) return;
    const { readerId, doorId } = reader;
    switch (e.type) {
      case 'pd-online':
        this.emit({ type: 'device-availability', deviceId: readerId, deviceKind: 'reader', online: true, at });
        return;
      case 'pd-offline':
        this.emit({ type: 'device-availability', deviceId: readerId, deviceKind: 'reader', online: false, reason: e.reason, at });
        return;
      case 'card':
        this.onCard(reader, e.bitCount, e.bits, at);
        return;
      case 'keypad':
        for (const pin of this.pins.push(readerId, e.digits, at)) {
          this.emit({ type: 'credential-presented', readerId, doorId, credential: { kind: 'pin', pin }, at });
        }
        return;
      case 'inputs':
        this.onInputs(reader, e.inputs, at);
        return;
      case 'local-status':
        if (this.lastTamper.get(readerId) === e.tamper) return;
        this.lastTamper.set(readerId, e.tamper);
        this.emit({ type: 'tamper', deviceId: readerId, doorId, active: e.tamper, at });
        return;
      default:
    }
  }

  private onCard(reader: OsdpReaderConfig, bitCount: number, bits: Uint8Array, at: number): void {
    try {
      const card = decodeCard(bitCount, bits);
      this.emit({ type: 'credential-presented', readerId: reader.readerId, doorId: reader.doorId, credential: { kind: 'card', id: card.id }, at });
    } catch (e) {
      this.stats.cardsRefused++;
      this.log.warn({ reader: reader.readerId, bitCount, code: isOsdpError(e) ? e.code : 'unknown' }, 'osdp: card read refused (misread)');
    }
  }

  /** Door contact: input active = door open; reported once per change per door. */
  private onInputs(reader: OsdpReaderConfig, inputs: boolean[], at: number): void {
    this.onAlarmInputs(reader, inputs, at);
    const open = inputs[reader.doorContactInput];
    if (open === undefined || this.lastInput.get(reader.doorId) === open) return;
    this.lastInput.set(reader.doorId, open);
    this.emit({ type: 'door-contact', doorId: reader.doorId, open, at });
  }

  /** Panic buttons and lockdown switches wired to the PD's inputs: reported on the press (inactive -> active). */
  private onAlarmInputs(reader: OsdpReaderConfig, inputs: boolean[], at: number): void {
    for (const [kind, input] of [['panic', reader.panicInput], ['lockdown', reader.lockdownInput]] as const) {
      if (input === undefined) continue;
      const active = inputs[input];
      const key = `${reader.readerId}#${kind}`;
      if (active === undefined || this.lastInput.get(key) === active) continue;
      const wasKnown = this.lastInput.has(key);
      this.lastInput.set(key, active);
      // An input already active when first reported counts as pressed (fail secure); a first inactive report is just the baseline.
      if (!active && !wasKnown) continue;
      if (kind === 'panic' && active) this.emit({ type: 'panic', sourceId: reader.readerId, ...(reader.zoneId ? { zoneId: reader.zoneId } : {}), at });
      if (kind === 'lockdown') this.emit({ type: 'lockdown-input', sourceId: reader.readerId, active, at });
    }
  }

  private dispatch(command: DoorCommand): void {
    switch (command.type) {
      case 'unlock':
        this.unlock(command);
        return;
      case 'lock':
        if (!this.firstTime(command.commandId)) return;
        for (const r of this.doorOutputs(command.doorId)) this.send(r, relock(r.output), undefined, `lock ${command.commandId}`, { command: 'lock', commandId: command.commandId, doorId: command.doorId });
        return;
      case 'lockdown':
        if (!this.firstTime(command.commandId) || !command.active) return;
        for (const r of this.options.readers) this.send(r, relock(r.output), undefined, `lockdown ${command.commandId}`, { command: 'lockdown', commandId: command.commandId, active: true });
        return;
      case 'feedback':
        if (this.firstTime(command.commandId)) this.signal(command.readerId, command.signal);
        return;
    }
  }

  private signal(readerId: string, signal: ReaderSignal): void {
    const reader = this.options.readers.find((r) => r.readerId === readerId);
    if (!reader) return;
    const notAfter = this.clock.now() + (this.options.feedbackTtlMs ?? 3000);
    for (const c of feedbackCommands(signal)) this.send(reader, c, notAfter, `feedback ${signal}`);
  }

  /** OUT on the door's PDs, and 'granted' on the presenting reader if it is on OSDP (the door may be on other hardware). */
  private unlock(command: Extract<DoorCommand, { type: 'unlock' }>): void {
    const targets = this.doorOutputs(command.doorId);
    const signals = command.readerId !== undefined && this.options.readers.some((r) => r.readerId === command.readerId);
    if ((targets.length === 0 && !signals) || !this.firstTime(command.commandId)) return;
    const followed: FollowedCommand = { command: 'unlock', commandId: command.commandId, doorId: command.doorId };
    if (this.clock.now() > command.expiresAt) {
      this.stats.commandsDropped++;
      this.log.warn({ commandId: command.commandId, doorId: command.doorId }, 'osdp: unlock arrived after its deadline; dropped');
      for (const r of targets) this.commandFailed(r, followed, 'not-sent');
      return;
    }
    for (const r of targets) this.send(r, unlockPulse(r.output, command.seconds), command.expiresAt, `unlock ${command.commandId}`, followed);
    if (signals) this.signal(command.readerId!, 'granted');
  }

  /**
   * `notAfter` is domain time (clock); it is checked again when the PD's turn comes. A
   * `followed` door command that the PD does not carry out is reported (door-command-failed).
   */
  private send(reader: OsdpReaderConfig, command: Command, notAfter: number | undefined, label: string, followed?: FollowedCommand): void {
    this.bus(reader.bus)?.enqueue(reader.address, {
      command,
      ...(notAfter !== undefined ? { isExpired: () => this.clock.now() > notAfter } : {}),
      onDone: (ok, detail) => {
        if (ok) return this.log.debug({ reader: reader.readerId, label }, 'osdp: command acknowledged');
        this.log.warn({ reader: reader.readerId, label, detail }, 'osdp: command not carried out');
        if (followed) this.commandFailed(reader, followed, failureOf(detail));
      },
    });
  }

  private commandFailed(reader: OsdpReaderConfig, f: FollowedCommand, failure: CommandFailure): void {
    this.emit({ type: 'door-command-failed', deviceId: reader.readerId, ...f, failure, at: this.clock.now() });
  }

  /** The readers of a door, one per lock output (a door's PDs may share an I/O board). */
  private doorOutputs(doorId: string): OsdpReaderConfig[] {
    const seen = new Set<string>();
    return this.options.readers.filter((r) => {
      const key = `${r.bus}/${r.address}/${r.output}`;
      if (r.doorId !== doorId || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /** DoorCommand ids are acted on at most once (a bounded memory of recent ids). */
  private firstTime(commandId: string): boolean {
    if (this.seenCommands.has(commandId)) {
      this.stats.duplicates++;
      this.log.warn({ commandId }, 'osdp: command id already handled; ignored');
      return false;
    }
    this.seenCommands.add(commandId);
    if (this.seenCommands.size > MAX_REMEMBERED_COMMANDS) this.seenCommands.delete(this.seenCommands.values().next().value as string);
    return true;
  }
}

/** The PD queue's reason for not carrying a command out, as a command failure. */
export function failureOf(detail: string): CommandFailure {
  if (detail === 'expired') return 'not-sent'; // its deadline passed while it waited for the PD's turn
  if (detail.startsWith('NAK')) return 'refused';
  return 'no-ack'; // no reply, or one that could not be read
}

/** LED colour + beeps per signal (sections 6.10, 6.11); times in 100 ms units. */
export function feedbackCommands(signal: ReaderSignal): Command[] {
  switch (signal) {
    case 'granted':
      return [flashLed(0, LedColor.GREEN, 20), { type: 'buz', reader: 0, tone: 2, onTime: 2, offTime: 0, count: 1 }];
    case 'denied':
      return [flashLed(0, LedColor.RED, 20), { type: 'buz', reader: 0, tone: 2, onTime: 1, offTime: 1, count: 3 }];
    case 'wait':
      return [flashLed(0, LedColor.AMBER, 30)];
  }
}

/** Real serial ports, except `sim:<busId>` which loads the in-process simulator on demand. */
function defaultPortFactory(clock: Clock): PortFactory {
  return async (request) => {
    if (!request.path.startsWith(SIM_PREFIX)) return serialPortFactory(request);
    const sim = await import('../../simulators/osdp/in-process.js');
    return sim.simulatedPortFactory(undefined, clock)(request);
  };
}
