/**
 * All configured cameras as one daemon Service: a driver per camera, camera signals
 * mapped onto domain DeviceEvents (digital inputs by the site's wiring table: panic
 * button, door contact, lockdown switch), repeated states dropped where events enter.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import type { CameraConfig } from '../../src/config/schema.js';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import { OnvifCameraDriver, type CameraDriverCounters, type CameraInfo } from './camera-driver.js';
import type { CameraSignal } from './event-topics.js';
import type { SkewReading } from './skew.js';

/** What a camera's digital input is wired to (ONVIF DigitalInput token or Axis port number). */
export type CameraInputWiring =
  | { token: string; kind: 'panic'; zoneId?: string }
  | { token: string; kind: 'door-contact'; doorId: string }
  | { token: string; kind: 'lockdown' };

export interface CameraServiceOptions {
  cameras: readonly CameraConfig[];
  /** Environment holding the cameras' passwords (passwordEnv). */
  env: Readonly<Record<string, string | undefined>>;
  /** cameraId -> wiring of its digital inputs; unwired inputs are logged and ignored. */
  inputs?: Readonly<Record<string, readonly CameraInputWiring[]>>;
  clock: Clock;
  logger: Logger;
  onEvent: (event: DeviceEvent) => void;
  driver?: Partial<{ probeEveryMs: number; offlineAfterFailures: number; skewWarnMs: number; backoffMs: number; maxBackoffMs: number; requestTimeoutMs: number; pullDeadlineMs: number; unsubscribeDeadlineMs: number }>;
}

export interface CameraStatus {
  cameraId: string;
  online: boolean;
  info: CameraInfo;
  skew?: SkewReading;
  /** Connect, pull and hung-pull failures since start. */
  counters: CameraDriverCounters;
}

export interface CameraService {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): CameraStatus[];
  /** The camera's RTSP URI once connected (for the recorder and live view). */
  streamUri(cameraId: string): string | undefined;
  /** Latest measured skew in ms (camera minus daemon), 0 before the first reading. */
  skewMs(cameraId: string): number;
  /** Counters of rejected notifications by reason (bad input is counted, never thrown). */
  readonly rejected: Map<string, number>;
}

/** Maps one camera's signals to domain events, keeping the last state per source to drop repeats. */
export function signalMapper(camera: CameraConfig, wiring: readonly CameraInputWiring[], logger: Logger) {
  const last = new Map<string, boolean>();
  return (s: CameraSignal & { at: number }): DeviceEvent | undefined => {
    const key = `${s.kind}:${s.input}`;
    const previous = last.get(key);
    last.set(key, s.active);
    // Initialized messages repeat the current state after every (re)subscription: report changes only,
    // and an input found active when nothing was known (a panic pressed while we were away).
    if (previous === s.active || (previous === undefined && !s.active)) return undefined;
    if (s.kind === 'motion') return { type: 'motion', cameraId: camera.id, active: s.active, at: s.at };
    if (s.kind === 'tamper') return { type: 'tamper', deviceId: camera.id, active: s.active, at: s.at };
    const wire = wiring.find((w) => w.token === s.input);
    if (!wire) {
      logger.warn({ camera: camera.id, input: s.input, active: s.active }, 'camera digital input is not wired to anything in the config; ignored');
      return undefined;
    }
    const sourceId = `${camera.id}:${s.input}`;
    switch (wire.kind) {
      case 'panic':
        return s.active ? { type: 'panic', sourceId, zoneId: wire.zoneId ?? camera.zones[0], at: s.at } : undefined;
      case 'door-contact':
        return { type: 'door-contact', doorId: wire.doorId, open: s.active, at: s.at };
      case 'lockdown':
        return { type: 'lockdown-input', sourceId, active: s.active, at: s.at };
    }
  };
}

export function createCameraService(o: CameraServiceOptions): CameraService {
  const drivers = new Map<string, OnvifCameraDriver>();
  const rejected = new Map<string, number>();
  for (const camera of o.cameras) {
    const password = camera.onvif.passwordEnv ? o.env[camera.onvif.passwordEnv] : undefined;
    if (camera.onvif.passwordEnv && password === undefined) {
      o.logger.warn({ camera: camera.id, env: camera.onvif.passwordEnv }, 'camera password variable is not set; connecting without a password');
    }
    const map = signalMapper(camera, o.inputs?.[camera.id] ?? [], o.logger);
    const driver = new OnvifCameraDriver(
      { cameraId: camera.id, url: camera.onvif.url, username: camera.onvif.username, password: password ?? '', clock: o.clock, logger: o.logger, ...o.driver },
      {
        signal: (s) => {
          const event = map(s);
          if (event) o.onEvent(event);
        },
        availability: (online, reason) => o.onEvent({ type: 'device-availability', deviceId: camera.id, deviceKind: 'camera', online, reason, at: o.clock.now() }),
        skew: () => undefined,
        rejected: (reason, topic) => {
          rejected.set(reason, (rejected.get(reason) ?? 0) + 1);
          o.logger.debug({ camera: camera.id, reason, topic }, 'camera notification ignored');
        },
      },
    );
    drivers.set(camera.id, driver);
  }
  return {
    name: 'cameras',
    rejected,
    async start() {
      for (const d of drivers.values()) d.start();
    },
    async stop() {
      await Promise.all([...drivers.values()].map((d) => d.stop()));
    },
    status: () => [...drivers].map(([cameraId, d]) => ({ cameraId, online: d.online, info: d.info, counters: { ...d.counters }, ...(d.lastSkew ? { skew: d.lastSkew } : {}) })),
    streamUri: (id) => drivers.get(id)?.info.streamUri,
    skewMs: (id) => drivers.get(id)?.lastSkew?.skewMs ?? 0,
  };
}
