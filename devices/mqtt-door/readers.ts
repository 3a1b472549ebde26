/**
 * Which readers and doors each MQTT door controller serves, built once from the
 * site config. A controller may serve several readers (both sides of a door) and,
 * for multi-relay esp-rfid boards, several doors.
 */
import type { Config } from '../../src/config/schema.js';

/** One reader of the site whose controller speaks MQTT. */
export type MqttReaderConfig =
  | { readerId: string; doorId: string; controller: { kind: 'mqtt'; deviceId: string } }
  | { readerId: string; doorId: string; controller: { kind: 'esp-rfid'; topic: string; doorip: string; door?: number } };

export interface OwnDevice {
  deviceId: string;
  /** readerId -> doorId */
  readers: Map<string, string>;
  doors: Set<string>;
}

export interface EspRfidDevice {
  /** Stable key: the device's MQTT topic prefix. */
  deviceId: string;
  topic: string;
  doorip: string;
  /** doorId -> relay number (undefined: the single relay, `opendoor`). */
  doors: Map<string, number | undefined>;
  /** Readers in config order; esp-rfid has one physical reader, reported as the first. */
  readers: { readerId: string; doorId: string }[];
}

/** The site's readers whose controller.kind is 'mqtt' or 'esp-rfid'. */
export function mqttReadersOf(config: Pick<Config, 'site'>): MqttReaderConfig[] {
  const out: MqttReaderConfig[] = [];
  for (const door of config.site.doors) {
    for (const reader of door.readers) {
      const c = reader.controller;
      if (c.kind === 'mqtt') out.push({ readerId: reader.id, doorId: door.id, controller: { kind: 'mqtt', deviceId: c.deviceId } });
      if (c.kind === 'esp-rfid') {
        const controller = { kind: 'esp-rfid' as const, topic: c.topic, doorip: c.doorip, ...(c.door !== undefined ? { door: c.door } : {}) };
        out.push({ readerId: reader.id, doorId: door.id, controller });
      }
    }
  }
  return out;
}

export function groupOwnDevices(readers: readonly MqttReaderConfig[]): Map<string, OwnDevice> {
  const devices = new Map<string, OwnDevice>();
  for (const r of readers) {
    if (r.controller.kind !== 'mqtt') continue;
    const id = r.controller.deviceId;
    const d: OwnDevice = devices.get(id) ?? { deviceId: id, readers: new Map(), doors: new Set() };
    d.readers.set(r.readerId, r.doorId);
    d.doors.add(r.doorId);
    devices.set(id, d);
  }
  return devices;
}

export function groupEspRfidDevices(readers: readonly MqttReaderConfig[]): Map<string, EspRfidDevice> {
  const devices = new Map<string, EspRfidDevice>();
  for (const r of readers) {
    if (r.controller.kind !== 'esp-rfid') continue;
    const { topic, doorip, door } = r.controller;
    const d: EspRfidDevice = devices.get(topic) ?? { deviceId: topic, topic, doorip, doors: new Map(), readers: [] };
    if (d.doorip !== doorip) throw new Error(`esp-rfid topic ${topic} is configured with two doorip values`);
    d.doors.set(r.doorId, door);
    d.readers.push({ readerId: r.readerId, doorId: r.doorId });
    devices.set(topic, d);
  }
  return devices;
}
