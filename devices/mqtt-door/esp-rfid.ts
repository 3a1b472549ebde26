/**
 * esp-rfid controllers (dialects/esp-rfid-dev.ts): TOPIC/send -> DeviceEvents,
 * DoorCommands -> TOPIC/cmd, liveness from heartbeats, and the credential push.
 * The device decides locally for users it holds (access "Always"/"Admin") and
 * releases the door itself; the daemon decides for everyone else.
 */
import type { DoorCommand } from '../../src/domain/device-events.js';
import type { CommandOutcome, DriverContext } from './context.js';
import { CredentialSync, type CredentialEntry, type SyncResult } from './credential-sync.js';
import { espRfidDev, type EspRfidDialect, type SendMsg } from './dialects/esp-rfid-dev.js';
import { payloadCodec } from './payload.js';
import type { EspRfidDevice } from './readers.js';
import { RecentIds } from './rejections.js';


/** How long a locally granted esp-rfid door is reported released (its relay time plus a margin). */
const LOCAL_RELAY_REPORT_MS = 10_000;
export interface EspRfidOptions {
  devices: Map<string, EspRfidDevice>;
  dialect?: EspRfidDialect;
  maxCredentialAgeMs: number;
  /** Offline after 2 heartbeat periods + this margin without any message. */
  heartbeatPeriodMs?: number;
  heartbeatMarginMs: number;
  listQuietMs: number;
  keepForeignUsers: boolean;
  /** An unlock for a door the device released itself this recently is not sent again. */
  localGrantWindowMs: number;
}

interface DeviceState {
  device: EspRfidDevice;
  sync: CredentialSync;
  online: boolean | undefined;
  cancelWatchdog: () => void;
  lastLocalGrantAt: number;
}

export class EspRfid {
  private readonly dialect: EspRfidDialect;
  private readonly codec;
  private readonly byTopic = new Map<string, DeviceState>();
  private readonly byDoor = new Map<string, DeviceState>();
  private readonly commandIds = new RecentIds(4096);

  constructor(
    private readonly ctx: DriverContext,
    private readonly o: EspRfidOptions,
  ) {
    this.dialect = o.dialect ?? espRfidDev;
    this.codec = payloadCodec(this.dialect.schemas.send, this.dialect.maxPayloadBytes);
    for (const device of o.devices.values()) {
      const state: DeviceState = {
        device,
        online: undefined,
        cancelWatchdog: () => undefined,
        lastLocalGrantAt: -Infinity,
        sync: new CredentialSync({
          doorip: device.doorip,
          send: (payload) => this.sendCommand(device, payload, 1),
          clock: ctx.clock,
          log: ctx.log.child({ deviceId: device.deviceId }),
          listQuietMs: o.listQuietMs,
          keepForeignUsers: o.keepForeignUsers,
        }),
      };
      this.byTopic.set(this.dialect.topics.send.replace('{topic}', device.topic), state);
      for (const door of device.doors.keys()) this.byDoor.set(door, state);
    }
  }

  subscriptions(): string[] {
    return [...this.byTopic.keys()];
  }

  start(): void {
    for (const s of this.byTopic.values()) this.armWatchdog(s);
  }

  stop(): void {
    for (const s of this.byTopic.values()) {
      s.cancelWatchdog();
      s.sync.stop();
    }
  }

  /** After the daemon's own (re)connect: the device may have changed while we were away. */
  onConnected(): void {
    for (const s of this.byTopic.values()) s.sync.reconcile();
  }

  syncCredentials(doorId: string, entries: readonly CredentialEntry[]): SyncResult | undefined {
    return this.byDoor.get(doorId)?.sync.setDesired(entries);
  }

  credentialState(doorId: string) {
    return this.byDoor.get(doorId)?.sync.state();
  }

  handle(topic: string, payload: Buffer): boolean {
    const s = this.byTopic.get(topic);
    if (!s) return false;
    const msg = this.codec.decode(payload);
    if (!msg.ok) {
      this.ctx.reject(s.device.deviceId, msg.reason, msg.detail, topic);
      return true;
    }
    this.ctx.accept(s.device.deviceId);
    this.markAlive(s);
    this.dispatch(s, msg.value, topic);
    return true;
  }

  private dispatch(s: DeviceState, msg: SendMsg, topic: string): void {
    if (!('type' in msg)) return s.sync.onUserListEntry(msg);
    switch (msg.type) {
      case 'access':
        return this.onAccess(s, msg, topic);
      case 'boot':
        this.ctx.log.info({ deviceId: s.device.deviceId }, 'esp-rfid booted or reconnected; reconciling its users');
        return s.sync.reconcile();
      case 'heartbeat':
        return;
      case 'adduser':
      case 'deletuid':
      case 'deletusers':
        return s.sync.onAck();
      case 'WARN':
      case 'INFO':
      case 'ERRO':
        if (msg.src === 'tamper') {
          const doorId = s.device.readers[0]?.doorId;
          this.ctx.emit({ type: 'tamper', deviceId: s.device.deviceId, ...(doorId ? { doorId } : {}), active: true, at: this.ctx.clock.now() });
        } else this.ctx.log.info({ deviceId: s.device.deviceId, level: msg.type, src: msg.src, desc: msg.desc }, 'esp-rfid event');
        return;
    }
  }

  private onAccess(s: DeviceState, msg: Extract<SendMsg, { type: 'access' }>, topic: string): void {
    const now = this.ctx.clock.now();
    // The access event an opendoor command produces (username MQTT, uid " "): a confirmation, not a card.
    if (msg.username === this.dialect.commandUsername && msg.uid.trim() === '') {
      return this.ctx.log.debug({ deviceId: s.device.deviceId }, 'esp-rfid confirmed an opendoor');
    }
    if (msg.uid.length === 0) return this.ctx.reject(s.device.deviceId, 'schema', 'access event without uid', topic);
    // Devices without NTP report time near 0; only a set clock can show a late delivery.
    if (msg.time > 1_000_000_000 && now - msg.time * 1000 > this.o.maxCredentialAgeMs + 1000) {
      return this.ctx.reject(s.device.deviceId, 'stale', `presented ${now - msg.time * 1000} ms ago`, topic);
    }
    const access = Array.isArray(msg.access) ? msg.access : [msg.access];
    const granted = msg.isKnown === 'true' && access.some((a) => (this.dialect.grantedLocally as readonly string[]).includes(a));
    if (granted) s.lastLocalGrantAt = now;
    const reader = s.device.readers[0];
    if (!reader) return;
    // The firmware has already opened its relay for a user it holds. The access core must
    // know the door was released (anyone near it may pass), not only that a card was shown;
    // esp-rfid reports no door contact, so the lock is reported released for the relay time.
    if (granted) this.reportLocalRelease(reader.doorId, now);
    this.ctx.emit({ type: 'credential-presented', readerId: reader.readerId, doorId: reader.doorId, credential: { kind: 'card', id: msg.uid }, at: now });
  }

  private reportLocalRelease(doorId: string, now: number): void {
    this.ctx.emit({ type: 'lock-state', doorId, locked: false, at: now });
    this.ctx.clock.setTimeout(() => {
      this.ctx.emit({ type: 'lock-state', doorId, locked: true, at: this.ctx.clock.now() });
    }, LOCAL_RELAY_REPORT_MS);
  }

  private markAlive(s: DeviceState): void {
    this.armWatchdog(s);
    if (s.online === true) return;
    s.online = true;
    this.ctx.emit({ type: 'device-availability', deviceId: s.device.deviceId, deviceKind: 'controller', online: true, at: this.ctx.clock.now() });
  }

  private armWatchdog(s: DeviceState): void {
    s.cancelWatchdog();
    const period = this.o.heartbeatPeriodMs ?? this.dialect.heartbeatPeriodMs;
    s.cancelWatchdog = this.ctx.clock.setTimeout(() => {
      if (s.online === false) return;
      s.online = false;
      const reason = `no message for ${Math.round((2 * period + this.o.heartbeatMarginMs) / 1000)} s (missed heartbeats)`;
      this.ctx.emit({ type: 'device-availability', deviceId: s.device.deviceId, deviceKind: 'controller', online: false, reason, at: this.ctx.clock.now() });
    }, 2 * period + this.o.heartbeatMarginMs);
  }

  /** Returns false when no esp-rfid device serves the command's door. */
  execute(command: DoorCommand): boolean {
    if (command.type === 'lockdown') {
      for (const s of this.byTopic.values()) {
        if (command.active) s.sync.suspend();
        else s.sync.resume();
      }
      return this.byTopic.size > 0;
    }
    const s = this.byDoor.get(command.doorId);
    if (!s) return false;
    if (command.type !== 'unlock') {
      // The firmware has no lock or reader-feedback command; its relay times out by itself.
      this.ctx.countCommand('dropped-unsupported');
      this.ctx.log.debug({ deviceId: s.device.deviceId, type: command.type }, 'not supported by esp-rfid; ignored');
      return true;
    }
    const now = this.ctx.clock.now();
    let outcome: CommandOutcome = 'sent';
    if (now >= command.expiresAt) outcome = 'dropped-expired';
    else if (!this.commandIds.add(command.commandId)) outcome = 'dropped-duplicate';
    else if (now - s.lastLocalGrantAt <= this.o.localGrantWindowMs) outcome = 'suppressed-local-grant';
    else if (!this.ctx.connected()) outcome = 'dropped-disconnected';
    if (outcome !== 'sent') {
      this.ctx.countCommand(outcome);
      this.ctx.log.warn({ deviceId: s.device.deviceId, commandId: command.commandId, outcome }, 'unlock not sent');
      if (outcome === 'dropped-expired' || outcome === 'dropped-disconnected') {
        this.ctx.commandFailed({ deviceId: s.device.deviceId, command: 'unlock', commandId: command.commandId, doorId: command.doorId, failure: 'not-sent' });
      }
      return true;
    }
    const relay = s.device.doors.get(command.doorId);
    const payload =
      relay === undefined
        ? { cmd: this.dialect.commands.openDoor, doorip: s.device.doorip }
        : { cmd: this.dialect.commands.openRelay, door: String(relay), doorip: s.device.doorip };
    // QoS 0: esp-rfid commands carry no id or expiry, so an unlock must never be redelivered late.
    this.sendCommand(s.device, JSON.stringify(payload), 0);
    this.ctx.countCommand('sent');
    return true;
  }

  private sendCommand(device: EspRfidDevice, payload: string, qos: 0 | 1): void {
    this.ctx.publish(this.dialect.topics.command.replace('{topic}', device.topic), payload, qos);
  }
}
