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
import type { DeviceEvent, DoorCommand, DoorDriver, ReaderSignal } from '../../src/domain/device-events.js';
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
  checkReaders(options.buses, options.readers);
  const log = options.logger.child({ driver: 'osdp' });
  const clock = options.clock;
  const protocolClock = options.protocolClock ?? systemClock;
  const env = options.env ?? process.env;
  const masterKey = keyFromEnv(env, options.masterKeyEnv);
  const listeners = new Set<(e: DeviceEvent) => void>();
  const pins = new PinCollector();
  const seenCommands = new Set<string>();
  const lastInput = new Map<string, boolean>();
  const lastTamper = new Map<string, boolean>();
  const stats = { cardsRefused: 0, commandsDropped: 0, duplicates: 0 };
  const portFactory = options.portFactory ?? defaultPortFactory(protocolClock);

  const emit = (event: DeviceEvent) => {
    for (const l of [...listeners]) {
      try {
        l(event);
      } catch (err) {
        log.error({ err }, 'osdp: event listener failed');
      }
    }
  };

  const secureConfig = (r: OsdpReaderConfig): SecureConfig | undefined => {
    if (!r.secure || r.secure.mode === 'off') return undefined;
    const scbk = keyFromEnv(env, r.secure.scbkEnv);
    if (!scbk && !masterKey) log.error({ reader: r.readerId }, 'osdp: secure channel configured without a key; the PD will be refused');
    return { mode: r.secure.mode, ...(scbk ? { scbk } : {}), ...(masterKey ? { masterKey } : {}) };
  };

  const buses = options.buses.map((b) => {
    const readers = options.readers.filter((r) => r.bus === b.id);
    const pds: PdConfig[] = readers.map((r) => {
      const secure = secureConfig(r);
      return { address: r.address, ...(secure ? { secure } : {}) };
    });
    const simTiming = b.path.startsWith(SIM_PREFIX) ? { minCycleMs: SIM_MIN_CYCLE_MS } : {};
    const bus = new OsdpBus({
      busId: b.id, path: b.path, baudRate: b.baudRate, pds, portFactory, clock: protocolClock, logger: log,
      timing: { ...simTiming, ...options.timing },
    });
    bus.onEvent((e) => onBusEvent(b.id, readers, e));
    return bus;
  });

  function onBusEvent(busId: string, readers: OsdpReaderConfig[], e: BusEvent): void {
    const at = clock.now();
    if (e.type === 'bus-up' || e.type === 'bus-down') {
      emit({ type: 'device-availability', deviceId: busId, deviceKind: 'bus', online: e.type === 'bus-up', ...(e.type === 'bus-down' ? { reason: e.reason } : {}), at });
      return;
    }
    const reader = readers.find((r) => r.address === e.address);
    if (!reader) return;
    switch (e.type) {
      case 'pd-online':
        emit({ type: 'device-availability', deviceId: reader.readerId, deviceKind: 'reader', online: true, at });
        return;
      case 'pd-offline':
        emit({ type: 'device-availability', deviceId: reader.readerId, deviceKind: 'reader', online: false, reason: e.reason, at });
        return;
      case 'card':
        onCard(reader, e.bitCount, e.bits, at);
        return;
      case 'keypad':
        for (const pin of pins.push(reader.readerId, e.digits, at)) {
          emit({ type: 'credential-presented', readerId: reader.readerId, doorId: reader.doorId, credential: { kind: 'pin', pin }, at });
        }
        return;
      case 'inputs':
        onInputs(reader, e.inputs, at);
        return;
      case 'local-status':
        if (lastTamper.get(reader.readerId) !== e.tamper) {
          lastTamper.set(reader.readerId, e.tamper);
          emit({ type: 'tamper', deviceId: reader.readerId, doorId: reader.doorId, active: e.tamper, at });
        }
        return;
      default:
    }
  }

  function onCard(reader: OsdpReaderConfig, bitCount: number, bits: Uint8Array, at: number): void {
    try {
      const card = decodeCard(bitCount, bits);
      emit({ type: 'credential-presented', readerId: reader.readerId, doorId: reader.doorId, credential: { kind: 'card', id: card.id }, at });
    } catch (e) {
      stats.cardsRefused++;
      log.warn({ reader: reader.readerId, bitCount, code: isOsdpError(e) ? e.code : 'unknown' }, 'osdp: card read refused (misread)');
    }
  }

  function onInputs(reader: OsdpReaderConfig, inputs: boolean[], at: number): void {
    const open = inputs[reader.doorContactInput];
    if (open === undefined) return;
    if (lastInput.get(reader.doorId) === open) return;
    lastInput.set(reader.doorId, open);
    emit({ type: 'door-contact', doorId: reader.doorId, open, at });
  }

  /** `notAfter` is domain time (clock); it is checked again when the PD's turn comes. */
  function send(reader: OsdpReaderConfig, command: Command, notAfter: number | undefined, label: string): void {
    const bus = buses.find((b) => b.busId === reader.bus);
    bus?.enqueue(reader.address, {
      command,
      ...(notAfter !== undefined ? { isExpired: () => clock.now() > notAfter } : {}),
      onDone: (ok, detail) => {
        if (ok) log.debug({ reader: reader.readerId, label }, 'osdp: command acknowledged');
        else log.warn({ reader: reader.readerId, label, detail }, 'osdp: command not carried out');
      },
    });
  }

  /** The readers of a door, one per lock output (a door's PDs may share an I/O board). */
  function doorOutputs(doorId: string): OsdpReaderConfig[] {
    const seen = new Set<string>();
    return options.readers.filter((r) => {
      const key = `${r.bus}/${r.address}/${r.output}`;
      if (r.doorId !== doorId || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  function firstTime(commandId: string): boolean {
    if (seenCommands.has(commandId)) {
      stats.duplicates++;
      log.warn({ commandId }, 'osdp: command id already handled; ignored');
      return false;
    }
    seenCommands.add(commandId);
    if (seenCommands.size > MAX_REMEMBERED_COMMANDS) seenCommands.delete(seenCommands.values().next().value as string);
    return true;
  }

  function execute(command: DoorCommand): void {
    switch (command.type) {
      case 'unlock': {
        const targets = doorOutputs(command.doorId);
        if (targets.length === 0 || !firstTime(command.commandId)) return;
        if (clock.now() > command.expiresAt) {
          stats.commandsDropped++;
          log.warn({ commandId: command.commandId, doorId: command.doorId }, 'osdp: unlock arrived after its deadline; dropped');
          return;
        }
        for (const r of targets) send(r, unlockPulse(r.output, command.seconds), command.expiresAt, `unlock ${command.commandId}`);
        return;
      }
      case 'lock':
        if (!firstTime(command.commandId)) return;
        for (const r of doorOutputs(command.doorId)) send(r, relock(r.output), undefined, `lock ${command.commandId}`);
        return;
      case 'lockdown':
        if (!firstTime(command.commandId) || !command.active) return;
        for (const r of options.readers) send(r, relock(r.output), undefined, `lockdown ${command.commandId}`);
        return;
      case 'feedback': {
        const reader = options.readers.find((r) => r.readerId === command.readerId);
        if (!reader || !firstTime(command.commandId)) return;
        const notAfter = clock.now() + (options.feedbackTtlMs ?? 3000);
        for (const c of feedbackCommands(command.signal)) send(reader, c, notAfter, `feedback ${command.signal}`);
        return;
      }
    }
  }

  return {
    name: 'osdp',
    stats,
    bus: (busId) => buses.find((b) => b.busId === busId),
    async start() {
      await Promise.all(buses.map((b) => b.start()));
    },
    async stop() {
      await Promise.all(buses.map((b) => b.stop()));
    },
    execute(command) {
      try {
        execute(command);
      } catch (err) {
        log.error({ err, command: command.type }, 'osdp: command failed');
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
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
