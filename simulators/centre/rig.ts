/**
 * The centre rig: a real daemon on a ManualClock with a temp data dir, an MQTT broker the
 * rig owns (so it can restart it), the site's simulated MQTT controllers, and the OSDP
 * readers as in-process simulated PDs on the same clock (their relay timers follow
 * simulated time), and the cameras' recording on the same clock (recording.ts), feeding
 * the daemon's footage index and tagger. Every door is wrapped as a DoorHw: present a card at a reader, read the
 * lock relay, open and close the leaf (door contact), listen for unlocks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { hashPassword } from '../../src/auth/passwords.js';
import { ManualClock } from '../../src/clock.js';
import { openStore } from '../../src/store/store.js';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../devices/mqtt-broker/embedded.js';
import { startSiteSimulators, type SiteSimulators } from '../mqtt-door/site.js';
import { EspRfidController } from '../mqtt-door/esp-rfid-controller.js';
import type { OwnDialectController } from '../mqtt-door/own-controller.js';
import { SimulatedRecording } from './recording.js';
import { startSimulatedOsdpBus, stopSimulatedOsdpBus } from '../osdp/in-process.js';
import type { SimulatedOsdpBus } from '../osdp/sim-bus.js';

/** A card as the simulator carries it: one H10301 number, reported as `h10301:F:N` by every reader. */
export interface Card {
  facility: number;
  number: number;
  id: string;
}

export function makeCard(facility: number, number: number): Card {
  return { facility, number, id: `h10301:${facility}:${number}` };
}

export type DoorKind = 'own' | 'esp-rfid' | 'osdp';

/** One door's hardware as a person meets it. */
export interface DoorHw {
  doorId: string;
  kind: DoorKind;
  /** Whether the leaf reports a door contact (esp-rfid does not). */
  hasContact: boolean;
  /** False while its controller or reader is down: a card at it goes nowhere. */
  online(readerId?: string): boolean;
  present(readerId: string, card: Card): void;
  isUnlocked(): boolean;
  setOpen(open: boolean): void;
  /** Called with performance.now() and whether the firmware granted locally (esp-rfid). */
  onUnlock(listener: (perfAt: number, local: boolean) => void): () => void;
}

export interface CentreRig {
  clock: ManualClock;
  config: Readonly<Config>;
  daemon: RunningDaemon;
  sims: SiteSimulators;
  osdp: SimulatedOsdpBus;
  doors: Map<string, DoorHw>;
  /** PDs currently silenced by a fault (addresses); their readers take no cards. */
  silentPds: Set<number>;
  /** Controllers currently without power (device ids / esp topics). */
  downControllers: Set<string>;
  brokerUrl: string;
  /** Every camera's segments on the simulated clock, into the daemon's recorder sink. */
  recording: SimulatedRecording;
  restartBroker(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export interface RigOptions {
  /** The site config file's JSON; the rig overrides data dir, ports, broker and bus paths. */
  rawConfig: RawConfig;
  start: number;
  logger: Logger;
  /** Serve the API and dashboard on this port (0 = any free port). */
  httpPort?: number;
  dataDir?: string;
}

/** The parts of a config file's JSON the rig rewrites. */
export interface RawConfig {
  site: Record<string, unknown>;
  settings: Record<string, unknown> & { http: Record<string, unknown>; mqtt?: Record<string, unknown>; serial: { buses: { id: string }[] } };
}

let rigSeq = 0;
/** The recorder's production segment length (devices/recorder/recorder-service.ts). */
const SEGMENT_SECONDS = 60;

export async function startRig(o: RigOptions): Promise<CentreRig> {
  const clock = new ManualClock(o.start);
  const ownDataDir = o.dataDir === undefined;
  const dataDir = o.dataDir ?? mkdtempSync(path.join(tmpdir(), 'contactd-simulate-'));
  let broker: EmbeddedBroker = await startEmbeddedBroker({ port: 0, logger: o.logger });
  const port = broker.port;
  const busKey = `centre-${process.pid}-${++rigSeq}`;
  const raw = structuredClone(o.rawConfig);
  raw.settings.dataDir = dataDir;
  raw.settings.http.port = o.httpPort ?? 0;
  raw.settings.mqtt = { ...(raw.settings.mqtt ?? {}), url: broker.url };
  raw.settings.simulators = { enabled: false };
  // No real camera answers here (never someone else's simulated camera on the demo ports):
  // the simulator records on the simulated clock instead (recording.ts).
  if (Array.isArray(raw.site.cameras)) {
    raw.site.cameras = (raw.site.cameras as { onvif?: Record<string, unknown> }[]).map((c) => ({ ...c, onvif: { ...c.onvif, url: 'http://127.0.0.1:9/onvif/device_service' } }));
  }
  raw.settings.serial.buses = raw.settings.serial.buses.map((b) => ({ ...b, path: `sim:${busKey}-${b.id}` }));
  const config = parseConfig(raw);
  const busIds = config.settings.serial.buses.map((b) => b.id);
  if (busIds.length !== 1) throw new Error('the centre simulator expects exactly one OSDP bus');
  const addresses = config.site.doors.flatMap((d) => d.readers.flatMap((r) => (r.controller.kind === 'osdp' ? [r.controller.address] : [])));
  // Created before the daemon opens the bus, so the PDs run on the simulated clock.
  const osdp = startSimulatedOsdpBus(`${busKey}-${busIds[0]}`, addresses.map((address) => ({ address })), clock);
  // An account for the simulator itself, so the daemon does not ask for a first administrator.
  const pre = openStore(dataDir, clock);
  try {
    if (pre.users.count() === 0) pre.users.create({ username: 'simulate', role: 'reception', passwordHash: await hashPassword(randomBytes(18).toString('base64url')) });
  } finally {
    pre.close();
  }
  const daemon = await startDaemon({ config, configFile: 'simulate', clock, logger: o.logger });
  const sims = await startSiteSimulators({ config, url: broker.url, clock });
  const recording = new SimulatedRecording({
    cameraIds: config.site.cameras.map((c) => c.id),
    footageDir: path.join(dataDir, 'footage'),
    segmentSeconds: SEGMENT_SECONDS,
    clock,
    sink: daemon.cctv.footage.tagger.sink(),
  });
  recording.start();
  const silentPds = new Set<number>();
  const downControllers = new Set<string>();
  const doors = new Map(config.site.doors.map((d) => [d.id, doorHw(d, sims, osdp, silentPds, downControllers)]));
  await waitUntil('OSDP readers online', () => addresses.every((a) => daemon.hardware.osdpDriver()?.bus(busIds[0]!)?.link(a)?.online), 15_000);
  return {
    clock, config, daemon, sims, osdp, doors, silentPds, downControllers, brokerUrl: broker.url, recording,
    async restartBroker(downMs: number) {
      await broker.close();
      await sleep(downMs);
      let heard = false;
      const off = daemon.services.bus.on('access-decision', ({ decision }) => {
        if (/ is online/.test(decision.reason)) heard = true;
      });
      broker = await startEmbeddedBroker({ port, logger: o.logger });
      // Controllers and the daemon reconnect by themselves: once the daemon hears a controller again, both are back.
      try {
        await waitUntil('daemon and controllers back on the broker', () => heard, 20_000);
      } finally {
        off();
      }
      await sleep(300);
    },
    async stop() {
      recording.stop();
      await sims.stop().catch(() => undefined);
      await daemon.stop().catch(() => undefined);
      await broker.close().catch(() => undefined);
      stopSimulatedOsdpBus(`${busKey}-${busIds[0]}`);
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function doorHw(door: Config['site']['doors'][number], sims: SiteSimulators, osdp: SimulatedOsdpBus, silent: Set<number>, down: Set<string>): DoorHw {
  const first = door.readers[0]!.controller;
  if (first.kind === 'osdp') {
    const byReader = new Map(door.readers.flatMap((r) => (r.controller.kind === 'osdp' ? [[r.id, r.controller] as const] : [])));
    const pds = [...byReader.values()];
    // The door contact is wired to the first PD that is not faulted (one contact per door).
    const contactPd = () => pds.find((c) => !silent.has(c.address)) ?? pds[0]!;
    return {
      doorId: door.id,
      kind: 'osdp',
      hasContact: true,
      online: (readerId) => {
        const c = readerId ? byReader.get(readerId) : undefined;
        return c ? !silent.has(c.address) : pds.some((p) => !silent.has(p.address));
      },
      present: (readerId, card) => osdp.pd(byReader.get(readerId)!.address).presentCard('h10301', card.facility, card.number),
      isUnlocked: () => pds.some((c) => osdp.pd(c.address).outputs[c.output] === true),
      setOpen: (open) => {
        const c = contactPd();
        osdp.pd(c.address).setInput(c.doorContactInput, open);
      },
      onUnlock: (listener) => {
        const offs = pds.map((c) => osdp.pd(c.address).onOutputChange((ch) => ch.output === c.output && ch.active && listener(performance.now(), false)));
        return () => offs.forEach((off) => off());
      },
    };
  }
  const sim = sims.forDoor(door.id);
  if (!sim) throw new Error(`no simulated controller for door ${door.id}`);
  const key = sim instanceof EspRfidController ? sim.topic : sim.deviceId;
  const base = {
    doorId: door.id,
    online: () => !down.has(key),
    isUnlocked: () => sim.relay.isUnlocked(door.id),
    onUnlock: (listener: (perfAt: number, local: boolean) => void) => {
      const on = (r: { doorId: string; cause: string; perfAt: number }) => {
        if (r.doorId === door.id) listener(r.perfAt, r.cause === 'local');
      };
      sim.relay.on('unlock', on);
      return () => void sim.relay.off('unlock', on);
    },
  };
  if (sim instanceof EspRfidController) {
    return { ...base, kind: 'esp-rfid', hasContact: false, present: (_readerId, card) => void sim.presentCard(card.id), setOpen: () => undefined };
  }
  const own = sim as OwnDialectController;
  return {
    ...base,
    kind: 'own',
    hasContact: true,
    present: (readerId, card) => void own.presentCard(readerId, card.id),
    setOpen: (open) => (open ? own.openDoor(door.id) : own.closeDoor(door.id)),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitUntil(what: string, ok: () => unknown, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
