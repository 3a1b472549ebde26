/**
 * A simulated esp-rfid controller (dev-branch firmware behaviour, PROTOCOLS.md):
 * drops commands whose doorip is not its own; "reboots" on a non-string field where
 * the firmware would dereference NULL; stores users with validsince/validuntil and
 * decides locally for users it holds (so doors work with the daemon down); acks
 * adduser/deletuid/deletusers; answers getuserlist one stored message per user with
 * no end marker; sends boot on every connect and a heartbeat every period; QoS 0.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { systemClock, type Clock } from '../../src/clock.js';
import { noDelay, quietMqttLog } from '../../devices/mqtt-broker/connect.js';
import { Relay } from './relay.js';

export interface EspRfidControllerOptions {
  url: string;
  topic: string;
  ip: string;
  hostname?: string;
  /** doorId per relay number (1-based); relay 1 is the `opendoor` relay. */
  doors: string[];
  relaySeconds?: number;
  heartbeatMs?: number;
  clock?: Clock;
}

export interface StoredUser {
  uid: string;
  user: string;
  acctype: string;
  validsince?: string;
  validuntil?: string;
  /** The adduser message as received (what getuserlist sends back). */
  raw: Record<string, string>;
}

type Handler = (msg: Record<string, unknown>) => void;
const STRING_FIELDS = ['doorip', 'cmd', 'uid', 'user', 'door'];

export class EspRfidController {
  readonly relay: Relay;
  readonly users = new Map<string, StoredUser>();
  droppedWrongIp = 0;
  reboots = 0;
  /** When the message being handled reached the device (performance.now()), for the unlock it may cause. */
  private messagePerfAt = 0;
  private client: MqttClient | undefined;
  private readonly clock: Clock;
  private cancelHeartbeat = () => {};
  private readonly bootedAt: number;
  private readonly handlers: Record<string, Handler> = {
    opendoor: () => this.openByCommand(1),
    open: (m) => this.openByCommand(Number(m.door)),
    adduser: (m) => this.addUser(m as Record<string, string>),
    deletuid: (m) => this.ackAfter('deletuid', () => this.users.delete(String(m.uid))),
    deletusers: () => this.ackAfter('deletusers', () => this.users.clear()),
    getuserlist: () => this.listUsers(),
  };

  constructor(private readonly o: EspRfidControllerOptions) {
    this.clock = o.clock ?? systemClock;
    this.relay = new Relay(this.clock);
    this.bootedAt = this.clock.now();
  }

  get topic(): string {
    return this.o.topic;
  }

  async start(): Promise<void> {
    const client = mqtt.connect(this.o.url, { clientId: `esp-rfid-${this.o.hostname ?? this.o.ip}`, clean: true, protocolVersion: 4, reconnectPeriod: 200, ...quietMqttLog() });
    this.client = client;
    client.on('connect', () => {
      noDelay(client);
      client.subscribe(`${this.o.topic}/cmd`, { qos: 2 });
      this.send({ type: 'boot', time: this.unixNow(), uptime: '0', ip: this.o.ip, hostname: this.hostname });
    });
    client.on('message', (_t, payload) => this.onMessage(payload));
    client.on('error', () => undefined);
    this.scheduleHeartbeat();
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  }

  async stop(): Promise<void> {
    this.cancelHeartbeat();
    this.relay.closeAll();
    const c = this.client;
    this.client = undefined;
    await c?.endAsync(true);
  }

  /** A card at the reader: the firmware decides from its own user table. */
  presentCard(uid: string): 'Always' | 'Admin' | 'Disabled' | 'Expired' | 'Denied' {
    const u = this.users.get(uid); // case-sensitive, as the SPIFFS file name lookup
    const now = this.unixNow();
    let access: 'Always' | 'Admin' | 'Disabled' | 'Expired' | 'Denied' = 'Denied';
    if (u) {
      const since = Number(u.validsince ?? 0) >>> 0;
      // A missing validuntil reads as 0: Expired.
      const until = Number(u.validuntil ?? 0) >>> 0;
      if (u.acctype === '0') access = 'Disabled';
      else if (now < since || now > until) access = 'Expired';
      else access = u.acctype === '99' ? 'Admin' : 'Always';
    }
    if (access === 'Always' || access === 'Admin') this.relay.unlock(this.o.doors[0] ?? 'door', this.o.relaySeconds ?? 5, 'local');
    this.send({ type: 'access', time: now, isKnown: u ? 'true' : 'false', access, username: u?.user ?? 'Unknown', uid, hostname: this.hostname, doorName: this.o.doors[0] ?? 'door' });
    return access;
  }

  /** Sends an arbitrary payload on TOPIC/send, for bad-input tests. */
  publishRaw(payload: string | Buffer): void {
    this.client?.publish(`${this.o.topic}/send`, payload, { qos: 0 });
  }

  heartbeat(): void {
    this.send({ type: 'heartbeat', time: this.unixNow(), uptime: Math.floor((this.clock.now() - this.bootedAt) / 1000), ip: this.o.ip, hostname: this.hostname });
  }

  tamper(): void {
    this.send({ type: 'WARN', src: 'tamper', desc: 'Door was tampered!', time: this.unixNow(), cmd: 'event', hostname: this.hostname });
  }

  private get hostname(): string {
    return this.o.hostname ?? `esp-${this.o.ip.replace(/\./g, '-')}`;
  }

  private unixNow(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  private scheduleHeartbeat(): void {
    this.cancelHeartbeat = this.clock.setTimeout(() => {
      this.heartbeat();
      this.scheduleHeartbeat();
    }, this.o.heartbeatMs ?? 181_000);
  }

  private send(body: Record<string, unknown>): void {
    if (this.client?.connected) this.client.publish(`${this.o.topic}/send`, JSON.stringify(body), { qos: 0 });
  }

  private onMessage(payload: Buffer): void {
    this.messagePerfAt = performance.now();
    if (payload.length >= 2048) return; // beyond the firmware's buffer
    let msg: unknown;
    try {
      msg = JSON.parse(payload.toString('utf8'));
    } catch {
      return; // "Failed parse MQTT message"
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as Record<string, unknown>;
    if (STRING_FIELDS.some((f) => f in m && typeof m[f] !== 'string')) return void this.reboot();
    if (m.doorip !== this.o.ip) {
      this.droppedWrongIp++;
      return;
    }
    this.handlers[String(m.cmd)]?.(m);
  }

  /** What a NULL dereference does to the real device: reset, then boot on reconnect. */
  private reboot(): void {
    this.reboots++;
    this.relay.closeAll();
    this.client?.stream.destroy();
  }

  private openByCommand(relayNo: number): void {
    const doorId = this.o.doors[relayNo - 1];
    if (!doorId) return;
    this.relay.unlock(doorId, this.o.relaySeconds ?? 5, 'opendoor', this.messagePerfAt);
    this.send({ type: 'access', time: this.unixNow(), isKnown: 'true', access: 'Always', username: 'MQTT', uid: ' ', hostname: this.hostname, doorName: doorId });
  }

  private addUser(m: Record<string, string>): void {
    this.ackAfter('adduser', () => {
      const u: StoredUser = { uid: m.uid ?? '', user: m.user ?? '', acctype: m.acctype ?? '', raw: { ...m } };
      if (m.validsince !== undefined) u.validsince = m.validsince;
      if (m.validuntil !== undefined) u.validuntil = m.validuntil;
      this.users.set(u.uid, u);
    });
  }

  private ackAfter(type: string, change: () => void): void {
    change();
    this.send({ type, ip: this.o.ip, hostname: this.hostname });
  }

  private listUsers(): void {
    for (const u of this.users.values()) this.send(u.raw);
  }
}
