/**
 * A simulated door controller speaking contactd's own dialect v1 (docs/mqtt.md): a
 * reader/keypad per configured reader, a lock relay, door contact, REX button,
 * tamper switch and an optional panic button. Retained availability with a last
 * will, retained door state, QoS 1 everywhere; commands are acted on at most once
 * and never after their expiry (checked against the simulator's clock).
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { systemClock, type Clock } from '../../src/clock.js';
import * as own from '../../devices/mqtt-door/dialects/own-v1.js';
import { payloadCodec } from '../../devices/mqtt-door/payload.js';
import { RecentIds } from '../../devices/mqtt-door/rejections.js';
import { noDelay, quietMqttLog } from '../../devices/mqtt-broker/connect.js';
import { Relay } from './relay.js';
import { remember } from '../history.js';

export interface OwnControllerOptions {
  url: string;
  topicPrefix: string;
  siteId: string;
  deviceId: string;
  /** readerId -> doorId */
  readers: Map<string, string>;
  heldOpenSeconds?: number;
  clock?: Clock;
  clientId?: string;
}

interface DoorSim {
  open: boolean;
  tamper: boolean;
  cancelHeld: () => void;
}

const commandCodec = payloadCodec(own.Command, own.ownDialectV1.maxPayloadBytes, own.ownDialectV1.version);

export class OwnDialectController {
  readonly relay: Relay;
  readonly acks: own.AckMsg[] = [];
  readonly signals: { reader: string; signal: string }[] = [];
  lockdown = false;
  badCommands = 0;
  private client: MqttClient | undefined;
  private readonly clock: Clock;
  private readonly base: string;
  private readonly doors = new Map<string, DoorSim>();
  private readonly seen = new RecentIds(4096);
  /** The state last published per door, as open|locked|tamper. */
  private readonly published = new Map<string, string>();

  constructor(private readonly o: OwnControllerOptions) {
    this.clock = o.clock ?? systemClock;
    this.base = own.ownDeviceBase(o.topicPrefix, o.siteId, o.deviceId);
    this.relay = new Relay(this.clock);
    for (const doorId of new Set(o.readers.values())) this.doors.set(doorId, { open: false, tamper: false, cancelHeld: () => undefined });
    this.relay.on('unlock', (r) => this.publishState(r.doorId));
    this.relay.on('lock', (doorId) => this.publishState(doorId));
  }

  get deviceId(): string {
    return this.o.deviceId;
  }

  /** Connects and resolves once online; reconnects by itself after a broker outage. */
  async start(): Promise<void> {
    const will = { topic: `${this.base}/availability`, payload: Buffer.from(JSON.stringify({ v: 1, online: false })), qos: 1 as const, retain: true };
    const client = mqtt.connect(this.o.url, {
      clientId: this.o.clientId ?? `sim-${this.o.siteId}-${this.o.deviceId}`,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 200,
      keepalive: 10,
      will,
      ...quietMqttLog(),
    });
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('message', (_topic, payload) => this.onCommand(payload, performance.now()));
    client.on('error', () => undefined);
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }

  /** Clean shutdown: publishes offline (retained) itself, like a controller being switched off properly. */
  async stop(): Promise<void> {
    // A door left open must not report "held open" from a controller that is off.
    for (const d of this.doors.values()) d.cancelHeld();
    this.relay.closeAll();
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    if (c.connected) await c.publishAsync(`${this.base}/availability`, JSON.stringify({ v: 1, online: false }), { qos: 1, retain: true });
    await c.endAsync();
  }

  /** Power cut: the socket drops without DISCONNECT so the broker publishes the last will. */
  async powerCut(): Promise<void> {
    for (const d of this.doors.values()) d.cancelHeld();
    this.relay.closeAll();
    const c = this.client;
    this.client = undefined;
    await c?.endAsync(true);
  }

  presentCard(readerId: string, card: string): string {
    return this.publishEvent(`reader/${readerId}/credential`, { card });
  }

  enterPin(readerId: string, pin: string): string {
    return this.publishEvent(`reader/${readerId}/credential`, { pin });
  }

  /** Door leaf opens: forced if the lock was not released; held-open after heldOpenSeconds. */
  openDoor(doorId: string): void {
    const d = this.door(doorId);
    d.open = true;
    this.publishState(doorId);
    if (!this.relay.isUnlocked(doorId)) this.publishEvent(`door/${doorId}/event`, { event: 'forced' });
    d.cancelHeld();
    d.cancelHeld = this.clock.setTimeout(() => this.publishEvent(`door/${doorId}/event`, { event: 'held-open' }), (this.o.heldOpenSeconds ?? 30) * 1000);
  }

  closeDoor(doorId: string): void {
    const d = this.door(doorId);
    d.open = false;
    d.cancelHeld();
    this.publishState(doorId);
  }

  pressExit(doorId: string): void {
    this.door(doorId);
    this.publishEvent(`door/${doorId}/event`, { event: 'rex' });
  }

  setTamper(doorId: string, active: boolean): void {
    this.door(doorId).tamper = active;
    this.publishState(doorId);
  }

  pressPanic(doorId: string): void {
    this.door(doorId);
    this.publishEvent(`door/${doorId}/event`, { event: 'panic' });
  }

  /** Publishes raw bytes on a topic under this device, for bad-input tests. */
  publishRaw(subtopic: string, payload: string | Buffer, retain = false): Promise<unknown> {
    if (!this.client) throw new Error('simulator not started');
    return this.client.publishAsync(`${this.base}/${subtopic}`, payload, { qos: 1, retain });
  }

  private door(doorId: string): DoorSim {
    const d = this.doors.get(doorId);
    if (!d) throw new Error(`door ${doorId} is not on controller ${this.o.deviceId}`);
    return d;
  }

  private onConnect(): void {
    const c = this.client;
    if (!c) return;
    noDelay(c);
    c.publish(`${this.base}/availability`, JSON.stringify({ v: 1, online: true, firmware: 'contactd-sim 1' }), { qos: 1, retain: true });
    for (const doorId of this.doors.keys()) this.publishState(doorId, true);
    c.subscribe(`${this.base}/cmd`, { qos: 1 });
  }

  /**
   * Door state is published on a change (docs/mqtt.md), e.g. not when an unlock only restarts
   * an open relay's timer; on connect it is published whatever was sent before.
   */
  private publishState(doorId: string, always = false): void {
    const d = this.doors.get(doorId);
    if (!d || !this.client) return;
    const locked = !this.relay.isUnlocked(doorId);
    const key = `${d.open}|${locked}|${d.tamper}`;
    if (!always && this.published.get(doorId) === key) return;
    this.published.set(doorId, key);
    const state: own.DoorStateMsg = { v: 1, at: this.clock.now(), open: d.open, locked, tamper: d.tamper };
    this.client.publish(`${this.base}/door/${doorId}/state`, JSON.stringify(state), { qos: 1, retain: true });
  }

  /** QoS 1 publish; mqtt.js queues it while the broker is away and sends it on reconnect. */
  private publishEvent(subtopic: string, body: Record<string, unknown>): string {
    if (!this.client) throw new Error('simulator not started');
    const id = randomUUID();
    this.client.publish(`${this.base}/${subtopic}`, JSON.stringify({ v: 1, id, at: this.clock.now(), ...body }), { qos: 1 });
    return id;
  }

  private onCommand(payload: Buffer, receivedPerfAt: number): void {
    const decoded = commandCodec.decode(payload);
    if (!decoded.ok) {
      this.badCommands++;
      return;
    }
    const cmd = decoded.value;
    const result = this.commandResult(cmd);
    if (result === 'done') this.apply(cmd, receivedPerfAt);
    const ack: own.AckMsg = { v: 1, commandId: cmd.id, result, at: this.clock.now() };
    remember(this.acks, ack);
    this.client?.publish(`${this.base}/ack`, JSON.stringify(ack), { qos: 1 });
  }

  private commandResult(cmd: own.CommandMsg): own.AckMsg['result'] {
    if (!this.seen.add(cmd.id)) return 'duplicate';
    if (this.clock.now() >= cmd.expiresAt) return 'expired';
    if (cmd.cmd === 'unlock' && (this.lockdown || !this.doors.has(cmd.door))) return 'rejected';
    if (cmd.cmd === 'lock' && !this.doors.has(cmd.door)) return 'rejected';
    return 'done';
  }

  private apply(cmd: own.CommandMsg, receivedPerfAt: number): void {
    switch (cmd.cmd) {
      case 'unlock':
        if (cmd.reader) remember(this.signals, { reader: cmd.reader, signal: 'granted' });
        return this.relay.unlock(cmd.door, cmd.seconds, cmd.id, receivedPerfAt);
      case 'lock':
        return this.relay.lock(cmd.door);
      case 'feedback':
        remember(this.signals, { reader: cmd.reader, signal: cmd.signal });
        return;
      case 'lockdown':
        this.lockdown = cmd.active;
        if (cmd.active) this.relay.closeAll();
        return;
    }
  }
}
