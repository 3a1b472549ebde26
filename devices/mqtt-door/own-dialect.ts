/**
 * contactd's own dialect (docs/mqtt.md, dialects/own-v1.ts): wire messages from
 * configured devices -> DeviceEvents, DoorCommands -> QoS 1 command messages with an
 * id and an expiry. Unlock, lock and lockdown commands are followed until their ack: one
 * the controller refuses, one that is not acknowledged by its expiry plus a grace, and one
 * that cannot be sent become `door-command-failed` events, so reception is told.
 */
import type { CommandFailure, DoorCommand, DeviceEvent, FollowedCommand } from '../../src/domain/device-events.js';
import type { CommandOutcome, DriverContext } from './context.js';
import * as own from './dialects/own-v1.js';
import { payloadCodec } from './payload.js';
import type { OwnDevice } from './readers.js';
import { RecentIds } from './rejections.js';

const { maxPayloadBytes, version } = own.ownDialectV1;
const codecs = {
  availability: payloadCodec(own.Availability, maxPayloadBytes, version),
  credential: payloadCodec(own.Credential, maxPayloadBytes, version),
  doorState: payloadCodec(own.DoorState, maxPayloadBytes, version),
  doorEvent: payloadCodec(own.DoorEvent, maxPayloadBytes, version),
  ack: payloadCodec(own.Ack, maxPayloadBytes, version),
};

export interface OwnDialectOptions {
  /** <prefix>/<site> */
  base: string;
  devices: Map<string, OwnDevice>;
  maxCredentialAgeMs: number;
  /** Lifetime given to lock, feedback and lockdown commands (unlock carries its own). */
  commandTtlMs: number;
  /** How long after a followed command's expiry a missing ack counts as a failure. */
  ackGraceMs: number;
}

/** Default for ackGraceMs: a controller answers within milliseconds; this covers a slow network. */
export const DEFAULT_ACK_GRACE_MS = 2_000;

/** A sent command awaiting its ack (feedback commands are not followed). */
interface AwaitedCommand extends Omit<FollowedCommand, 'commandId'> {
  deviceId: string;
  /** No ack by then: failure 'no-ack'. */
  deadline: number;
}

interface DoorStateKnown {
  open: boolean;
  locked: boolean;
  tamper: boolean;
}

export class OwnDialect {
  private readonly doorToDevice = new Map<string, string>();
  private readonly readerToDevice = new Map<string, string>();
  private readonly online = new Map<string, boolean>();
  private readonly doorStates = new Map<string, DoorStateKnown>();
  private readonly eventIds = new Map<string, RecentIds>();
  private readonly commandIds = new RecentIds(4096);
  /** Followed commands awaiting their ack, by command id. */
  private readonly awaitingAck = new Map<string, AwaitedCommand>();
  private cancelAckCheck: (() => void) | undefined;
  private lockdown: boolean | undefined;

  constructor(
    private readonly ctx: DriverContext,
    private readonly options: OwnDialectOptions,
  ) {
    for (const d of options.devices.values()) {
      for (const door of d.doors) this.doorToDevice.set(door, d.deviceId);
      for (const reader of d.readers.keys()) this.readerToDevice.set(reader, d.deviceId);
    }
  }

  subscriptions(): string[] {
    return this.options.devices.size > 0 ? own.ownSubscriptions(this.options.base) : [];
  }

  /** After a (re)connect: forget door states so the retained snapshots are re-emitted (resync). */
  onConnected(): void {
    this.doorStates.clear();
  }

  /** Returns false for topics outside this dialect (the driver then counts unknown-topic). */
  handle(topic: string, payload: Buffer): boolean {
    const t = own.matchOwnTopic(this.options.base, topic);
    if (!t) return false;
    const device = this.options.devices.get(t.deviceId);
    if (!device) {
      // The daemon's own availability topic lives under the same base.
      if (t.deviceId !== '_daemon') this.ctx.reject(t.deviceId, 'unknown-device', 'device not in the site config', topic);
      return true;
    }
    if (payload.length === 0) return true; // a cleared retained message, not a report
    switch (t.kind) {
      case 'availability':
        return this.onAvailability(device, topic, payload), true;
      case 'credential':
        return this.onCredential(device, t.readerId, topic, payload), true;
      case 'door-state':
        return this.onDoorState(device, t.doorId, topic, payload), true;
      case 'door-event':
        return this.onDoorEvent(device, t.doorId, topic, payload), true;
      case 'ack':
        return this.onAck(device, topic, payload), true;
    }
  }

  private onAvailability(device: OwnDevice, topic: string, payload: Buffer): void {
    const msg = codecs.availability.decode(payload);
    if (!msg.ok) return this.ctx.reject(device.deviceId, msg.reason, msg.detail, topic);
    this.ctx.accept(device.deviceId);
    if (this.online.get(device.deviceId) === msg.value.online) return;
    this.online.set(device.deviceId, msg.value.online);
    const at = this.ctx.clock.now();
    const event: DeviceEvent = { type: 'device-availability', deviceId: device.deviceId, deviceKind: 'controller', online: msg.value.online, at };
    if (!msg.value.online) event.reason = 'device reported offline (last will or clean shutdown)';
    this.ctx.emit(event);
    // A controller that restarts has forgotten a lockdown: tell it again.
    if (msg.value.online && this.lockdown) this.sendLockdown(device.deviceId, true, `relock-${device.deviceId}-${at}`);
  }

  private onCredential(device: OwnDevice, readerId: string, topic: string, payload: Buffer): void {
    const doorId = device.readers.get(readerId);
    if (!doorId) return this.ctx.reject(device.deviceId, 'unknown-reader', `reader ${readerId.slice(0, 64)} not on this device`, topic);
    const msg = codecs.credential.decode(payload);
    if (!msg.ok) return this.ctx.reject(device.deviceId, msg.reason, msg.detail, topic);
    if (!this.freshEvent(device.deviceId, msg.value.id, topic)) return;
    const now = this.ctx.clock.now();
    if (now - msg.value.at > this.options.maxCredentialAgeMs) {
      return this.ctx.reject(device.deviceId, 'stale', `presented ${now - msg.value.at} ms ago (device clock or late delivery)`, topic);
    }
    this.ctx.accept(device.deviceId);
    const credential = 'card' in msg.value ? { kind: 'card' as const, id: msg.value.card } : { kind: 'pin' as const, pin: msg.value.pin };
    this.ctx.emit({ type: 'credential-presented', readerId, doorId, credential, at: now });
  }

  private onDoorState(device: OwnDevice, doorId: string, topic: string, payload: Buffer): void {
    if (!device.doors.has(doorId)) return this.ctx.reject(device.deviceId, 'unknown-door', `door ${doorId.slice(0, 64)} not on this device`, topic);
    const msg = codecs.doorState.decode(payload);
    if (!msg.ok) return this.ctx.reject(device.deviceId, msg.reason, msg.detail, topic);
    this.ctx.accept(device.deviceId);
    const at = this.ctx.clock.now();
    const before = this.doorStates.get(doorId);
    const { open, locked, tamper } = msg.value;
    this.doorStates.set(doorId, { open, locked, tamper });
    if (before?.open !== open) this.ctx.emit({ type: 'door-contact', doorId, open, at });
    if (before?.locked !== locked) this.ctx.emit({ type: 'lock-state', doorId, locked, at });
    if (before?.tamper !== tamper && (before || tamper)) this.ctx.emit({ type: 'tamper', deviceId: device.deviceId, doorId, active: tamper, at });
  }

  private onDoorEvent(device: OwnDevice, doorId: string, topic: string, payload: Buffer): void {
    if (!device.doors.has(doorId)) return this.ctx.reject(device.deviceId, 'unknown-door', `door ${doorId.slice(0, 64)} not on this device`, topic);
    const msg = codecs.doorEvent.decode(payload);
    if (!msg.ok) return this.ctx.reject(device.deviceId, msg.reason, msg.detail, topic);
    if (!this.freshEvent(device.deviceId, msg.value.id, topic)) return;
    this.ctx.accept(device.deviceId);
    const at = this.ctx.clock.now();
    switch (msg.value.event) {
      case 'rex':
        return this.ctx.emit({ type: 'request-to-exit', doorId, at });
      case 'forced':
        return this.ctx.emit({ type: 'door-forced', doorId, at });
      case 'held-open':
        return this.ctx.emit({ type: 'door-held-open', doorId, at });
      case 'panic':
        return this.ctx.emit({ type: 'panic', sourceId: device.deviceId, at });
    }
  }

  private onAck(device: OwnDevice, topic: string, payload: Buffer): void {
    const msg = codecs.ack.decode(payload);
    if (!msg.ok) return this.ctx.reject(device.deviceId, msg.reason, msg.detail, topic);
    this.ctx.accept(device.deviceId);
    const { commandId, result } = msg.value;
    const followed = this.awaitingAck.get(commandId);
    if (followed && followed.deviceId !== device.deviceId) {
      return this.ctx.reject(device.deviceId, 'wrong-device', `ack for command ${commandId.slice(0, 64)}, which was sent to ${followed.deviceId}`, topic);
    }
    const level = result === 'done' ? 'debug' : 'warn';
    this.ctx.log[level]({ deviceId: device.deviceId, commandId, result }, 'command acknowledged');
    if (!followed) return;
    this.awaitingAck.delete(commandId);
    // 'duplicate': an earlier delivery of this id reached the controller, which answered it then.
    if (result === 'expired' || result === 'rejected') this.failed(commandId, followed, result === 'expired' ? 'refused-expired' : 'refused');
  }

  private failed(commandId: string, c: AwaitedCommand, failure: CommandFailure): void {
    const { deviceId, command, doorId, active } = c;
    this.ctx.commandFailed({ deviceId, command, commandId, failure, ...(doorId === undefined ? {} : { doorId }), ...(active === undefined ? {} : { active }) });
  }

  /** Runs while commands await their ack: those past their deadline have failed. */
  private armAckCheck(): void {
    if (this.cancelAckCheck || this.awaitingAck.size === 0) return;
    this.cancelAckCheck = this.ctx.clock.setTimeout(() => {
      this.cancelAckCheck = undefined;
      const now = this.ctx.clock.now();
      for (const [id, c] of this.awaitingAck) {
        if (now < c.deadline) continue;
        this.awaitingAck.delete(id);
        this.ctx.log.warn({ deviceId: c.deviceId, commandId: id, cmd: c.command }, 'command not acknowledged');
        this.failed(id, c, 'no-ack');
      }
      this.armAckCheck();
    }, Math.min(1000, this.options.ackGraceMs));
  }

  stop(): void {
    this.cancelAckCheck?.();
    this.cancelAckCheck = undefined;
    this.awaitingAck.clear();
  }

  private freshEvent(deviceId: string, id: string, topic: string): boolean {
    let ids = this.eventIds.get(deviceId);
    if (!ids) this.eventIds.set(deviceId, (ids = new RecentIds()));
    if (ids.add(id)) return true;
    this.ctx.reject(deviceId, 'duplicate', `event id ${id} already seen (QoS 1 redelivery)`, topic);
    return false;
  }

  /** Returns false when no device of this dialect serves the command's door or reader. */
  execute(command: DoorCommand): boolean {
    const now = this.ctx.clock.now();
    const ttl = now + this.options.commandTtlMs;
    switch (command.type) {
      case 'unlock': {
        const deviceId = this.doorToDevice.get(command.doorId);
        const readerDevice = command.readerId === undefined ? undefined : this.readerToDevice.get(command.readerId);
        // A granting reader on another controller (or with the door on other hardware) gets its
        // own feedback command. That alone does not claim the unlock: the door's driver must still see it.
        if (readerDevice !== undefined && readerDevice !== deviceId) {
          const msg = { v: 1, id: `${command.commandId}:granted`, expiresAt: command.expiresAt, cmd: 'feedback', reader: command.readerId!, signal: 'granted' } as const;
          this.send(readerDevice, msg, command.expiresAt);
        }
        if (!deviceId) return false;
        const reader = readerDevice === deviceId ? { reader: command.readerId! } : {};
        const msg = { v: 1, id: command.commandId, expiresAt: command.expiresAt, cmd: 'unlock', door: command.doorId, seconds: command.seconds, ...reader } as const;
        this.send(deviceId, msg, command.expiresAt);
        return true;
      }
      case 'lock': {
        const deviceId = this.doorToDevice.get(command.doorId);
        if (!deviceId) return false;
        this.send(deviceId, { v: 1, id: command.commandId, expiresAt: ttl, cmd: 'lock', door: command.doorId }, ttl);
        return true;
      }
      case 'feedback': {
        const deviceId = this.readerToDevice.get(command.readerId);
        if (!deviceId) return false;
        const msg = { v: 1, id: command.commandId, expiresAt: ttl, cmd: 'feedback', reader: command.readerId, signal: command.signal } as const;
        this.send(deviceId, msg, ttl);
        return true;
      }
      case 'lockdown':
        this.lockdown = command.active;
        for (const deviceId of this.options.devices.keys()) this.sendLockdown(deviceId, command.active, `${command.commandId}-${deviceId}`);
        return this.options.devices.size > 0;
    }
  }

  private sendLockdown(deviceId: string, active: boolean, id: string): void {
    const expiresAt = this.ctx.clock.now() + this.options.commandTtlMs;
    this.send(deviceId, { v: 1, id, expiresAt, cmd: 'lockdown', active }, expiresAt);
  }

  private send(deviceId: string, msg: own.CommandMsg, expiresAt: number): void {
    const log = { deviceId, commandId: msg.id, cmd: msg.cmd };
    const now = this.ctx.clock.now();
    let outcome: CommandOutcome = 'sent';
    if (now >= expiresAt) outcome = 'dropped-expired';
    else if (!this.commandIds.add(msg.id)) outcome = 'dropped-duplicate';
    else if (!this.ctx.connected()) outcome = 'dropped-disconnected';
    this.ctx.countCommand(outcome);
    const followed = awaitedCommand(deviceId, msg, expiresAt + this.options.ackGraceMs);
    if (outcome !== 'sent') {
      this.ctx.log.warn({ ...log, outcome }, 'command not sent');
      // A repeated id was followed when it first went out.
      if (followed && outcome !== 'dropped-duplicate') this.failed(msg.id, followed, 'not-sent');
      return;
    }
    this.ctx.publish(`${this.options.base}/${deviceId}/cmd`, JSON.stringify(msg), 1);
    this.ctx.log.debug(log, 'command sent');
    if (followed) {
      this.awaitingAck.set(msg.id, followed);
      this.armAckCheck();
    }
  }
}

function awaitedCommand(deviceId: string, msg: own.CommandMsg, deadline: number): AwaitedCommand | undefined {
  switch (msg.cmd) {
    case 'unlock':
    case 'lock':
      return { deviceId, command: msg.cmd, doorId: msg.door, deadline };
    case 'lockdown':
      return { deviceId, command: 'lockdown', active: msg.active, deadline };
    case 'feedback':
      return undefined;
  }
}
