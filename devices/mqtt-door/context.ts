/** What the per-dialect handlers share with the driver that hosts them. */
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import type { DeviceEvent, DoorCommandFailed } from '../../src/domain/device-events.js';
import type { RejectReason } from './payload.js';

export interface DriverContext {
  clock: Clock;
  log: Logger;
  /** False while the broker connection is down: commands are then dropped, never queued. */
  connected(): boolean;
  publish(topic: string, payload: string, qos: 0 | 1): void;
  emit(event: DeviceEvent): void;
  /** Emits a door-command-failed event, stamped now. */
  commandFailed(failure: Omit<DoorCommandFailed, 'type' | 'at'>): void;
  accept(deviceId: string): void;
  /** Logs (with the reason, never the payload) and counts a refused message. */
  reject(deviceId: string, reason: RejectReason, detail: string, topic: string): void;
  /** Counts a command outcome for stats(). */
  countCommand(outcome: CommandOutcome): void;
}

export type CommandOutcome =
  | 'sent'
  | 'dropped-expired'
  | 'dropped-duplicate'
  | 'dropped-disconnected'
  | 'dropped-unsupported'
  | 'suppressed-local-grant';

/** Drops credential presentations older than this: a late one must never open a door. */
export const DEFAULT_MAX_CREDENTIAL_AGE_MS = 10_000;
