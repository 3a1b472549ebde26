/**
 * Starts a simulated controller for every MQTT and esp-rfid reader of a site config:
 * one own-dialect controller per deviceId, one esp-rfid controller per topic. The
 * demo runs these; tests reach each by device id or door id.
 */
import type { Clock } from '../../src/clock.js';
import type { Config } from '../../src/config/schema.js';
import { groupEspRfidDevices, groupOwnDevices, mqttReadersOf } from '../../devices/mqtt-door/readers.js';
import { EspRfidController } from './esp-rfid-controller.js';
import { OwnDialectController } from './own-controller.js';

export interface SiteSimulators {
  own: Map<string, OwnDialectController>;
  /** By esp-rfid topic. */
  espRfid: Map<string, EspRfidController>;
  /** The controller serving a door, of either dialect. */
  forDoor(doorId: string): OwnDialectController | EspRfidController | undefined;
  stop(): Promise<void>;
}

export interface SiteSimulatorOptions {
  config: Pick<Config, 'site' | 'settings'>;
  url: string;
  clock?: Clock;
  espHeartbeatMs?: number;
}

export async function startSiteSimulators(o: SiteSimulatorOptions): Promise<SiteSimulators> {
  const readers = mqttReadersOf(o.config);
  const own = new Map<string, OwnDialectController>();
  const espRfid = new Map<string, EspRfidController>();
  const byDoor = new Map<string, OwnDialectController | EspRfidController>();
  const heldOpen = new Map(o.config.site.doors.map((d) => [d.id, d.heldOpenSeconds]));
  for (const d of groupOwnDevices(readers).values()) {
    const firstDoor = [...d.doors][0];
    const sim = new OwnDialectController({
      url: o.url,
      topicPrefix: o.config.settings.mqtt.topicPrefix,
      siteId: o.config.site.id,
      deviceId: d.deviceId,
      readers: d.readers,
      ...(firstDoor && heldOpen.get(firstDoor) ? { heldOpenSeconds: heldOpen.get(firstDoor) } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    });
    own.set(d.deviceId, sim);
    for (const door of d.doors) byDoor.set(door, sim);
  }
  for (const d of groupEspRfidDevices(readers).values()) {
    const doors: string[] = [];
    for (const [doorId, relay] of d.doors) doors[(relay ?? 1) - 1] = doorId;
    const sim = new EspRfidController({
      url: o.url,
      topic: d.topic,
      ip: d.doorip,
      doors,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.espHeartbeatMs ? { heartbeatMs: o.espHeartbeatMs } : {}),
    });
    espRfid.set(d.topic, sim);
    for (const door of d.doors.keys()) byDoor.set(door, sim);
  }
  const all = [...own.values(), ...espRfid.values()];
  await Promise.all(all.map((s) => s.start()));
  return {
    own,
    espRfid,
    forDoor: (doorId) => byDoor.get(doorId),
    stop: async () => {
      await Promise.all(all.map((s) => s.stop()));
    },
  };
}
