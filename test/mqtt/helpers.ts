/** Shared set-up for the MQTT tests: a real broker, a driver on it, collected events. */
import pino from 'pino';
import type { MqttClient } from 'mqtt';
import { systemClock, type Clock } from '../../src/clock.js';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import { connectBroker, startEmbeddedBroker, type EmbeddedBroker } from '../../devices/mqtt-broker/index.js';
import { createMqttDoorDriver, type MqttDoorDriver, type MqttDoorDriverOptions } from '../../devices/mqtt-door/index.js';
import type { MqttReaderConfig } from '../../devices/mqtt-door/readers.js';

export const silent = pino({ level: 'silent' });
export const SITE = 'test-site';
export const PREFIX = 'contactd';

export async function embeddedBroker(): Promise<EmbeddedBroker> {
  return startEmbeddedBroker({ port: 0, logger: silent });
}

export interface DriverHarness {
  driver: MqttDoorDriver;
  client: MqttClient;
  events: DeviceEvent[];
  /** Resolves with the first event (already seen or future) matching `pred`. */
  waitFor<T extends DeviceEvent>(pred: (e: DeviceEvent) => e is T, timeoutMs?: number): Promise<T>;
  waitFor(pred: (e: DeviceEvent) => boolean, timeoutMs?: number): Promise<DeviceEvent>;
  stop(): Promise<void>;
}

export async function startDriver(
  url: string,
  readers: MqttReaderConfig[],
  extra: Partial<MqttDoorDriverOptions> & { clock?: Clock; clientId?: string } = {},
): Promise<DriverHarness> {
  const client = connectBroker({ url, clientId: extra.clientId ?? `contactd-test-${Math.random().toString(16).slice(2)}`, logger: silent, minReconnectMs: 100, maxReconnectMs: 400 });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const driver = createMqttDoorDriver({ client, topicPrefix: PREFIX, siteId: SITE, readers, logger: silent, clock: extra.clock ?? systemClock, ...extra });
  const events: DeviceEvent[] = [];
  const waiters = new Set<() => void>();
  driver.onEvent((e) => {
    events.push(e);
    for (const w of waiters) w();
  });
  await driver.start();
  const waitFor = (pred: (e: DeviceEvent) => boolean, timeoutMs = 3000): Promise<DeviceEvent> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = events.find(pred);
        if (!hit) return false;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error('timed out waiting for a device event'));
      }, timeoutMs);
      if (!check()) waiters.add(check);
    });
  return {
    driver,
    client,
    events,
    waitFor: waitFor as DriverHarness['waitFor'],
    async stop() {
      await driver.stop();
      await client.endAsync(true);
    },
  };
}

export const ownReaders = (deviceId: string, doorId: string): MqttReaderConfig[] => [
  { readerId: `${doorId}-in`, doorId, controller: { kind: 'mqtt', deviceId } },
  { readerId: `${doorId}-out`, doorId, controller: { kind: 'mqtt', deviceId } },
];

export const espReaders = (topic: string, doorip: string, doorId: string): MqttReaderConfig[] => [
  { readerId: `${doorId}-in`, doorId, controller: { kind: 'esp-rfid', topic, doorip } },
];

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true or the timeout passes (for state reached over the wire). */
export async function until(cond: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
