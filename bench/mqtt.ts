/**
 * MQTT door path: credential presented at a simulated controller -> unlock command
 * received by that controller, through the real broker and driver, at a sustained
 * load across 50 doors; beside the bare broker round trip (same hops, QoS 1, same
 * rate) measured in the same run. The decision is the daemon's real access engine
 * (pure decision, then the decision record and state snapshot in SQLite) on a
 * generated 50-door site with one staff card per door.
 */
import mqtt from 'mqtt';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { createServices } from '../src/services/index.js';
import { openStore } from '../src/store/store.js';
import { connectBroker, noDelay, startEmbeddedBroker } from '../devices/mqtt-broker/index.js';
import { createMqttDoorDriver, type MqttReaderConfig } from '../devices/mqtt-door/index.js';
import { OwnDialectController } from '../simulators/mqtt-door/index.js';
import type { BenchContext, BenchSuite } from './suite.js';

const DOORS = 50;
const RATE = 200; // presentations per second, across all doors
const SITE = 'bench';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Calls `tick(i)` RATE times a second for `ms`, catching up when the event loop lags. */
async function drive(ms: number, tick: (i: number) => void): Promise<number> {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * RATE);
    while (sent < due) tick(sent++);
    await new Promise((r) => setTimeout(r, 1));
  }
  return sent / ((performance.now() - start) / 1000);
}

async function bareRoundTrip(url: string, ms: number): Promise<number[]> {
  const device = await mqtt.connectAsync(url, { clientId: 'bench-bare-device' });
  const responder = await mqtt.connectAsync(url, { clientId: 'bench-bare-responder' });
  noDelay(device);
  noDelay(responder);
  await responder.subscribeAsync('bench/bare/req/+', { qos: 1 });
  responder.on('message', (topic, payload) => responder.publish(topic.replace('/req/', '/resp/'), payload, { qos: 1 }));
  await device.subscribeAsync('bench/bare/resp/+', { qos: 1 });
  const sentAt = new Map<string, number>();
  const rtts: number[] = [];
  device.on('message', (_t, payload) => {
    const t0 = sentAt.get(payload.toString());
    if (t0 !== undefined) rtts.push(performance.now() - t0);
  });
  await drive(ms, (i) => {
    const id = String(i);
    sentAt.set(id, performance.now());
    device.publish(`bench/bare/req/${i % DOORS}`, id, { qos: 1 });
  });
  await new Promise((r) => setTimeout(r, 300));
  await device.endAsync();
  await responder.endAsync();
  return rtts;
}

/** A site of DOORS doors from the street into their own lobby, each with one MQTT reader. */
function benchConfig(dataDir: string) {
  const zones = [{ id: 'outside', name: 'Street', kind: 'outside' }, ...Array.from({ length: DOORS }, (_, i) => ({ id: `z${i}`, name: `Lobby ${i}`, kind: 'lobby' }))];
  const doors = Array.from({ length: DOORS }, (_, i) => ({
    id: `d${i}`,
    name: `Door ${i}`,
    from: 'outside',
    to: `z${i}`,
    readers: [{ id: `d${i}-in`, side: 'from', controller: { kind: 'mqtt', deviceId: `d${i}` } }],
  }));
  const week = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '23:59']]]));
  return parseConfig({
    site: {
      id: SITE,
      name: 'Benchmark site',
      openingHours: week,
      zones,
      doors,
      rooms: [],
      entrances: [0, 1].map((i) => ({ id: `e${i}`, name: `Entrance ${i}`, doors: [`d${i}`], waitingZone: `z${i}` })),
      cameras: [],
    },
    settings: { dataDir, logLevel: 'error' },
  });
}

export async function runMqttBench(ctx: BenchContext): Promise<Record<string, number>> {
  const logger = pino({ level: 'silent' });
  const ms = ctx.quick ? 3000 : 10_000;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'contactd-bench-'));
  const config = benchConfig(dataDir);
  const store = openStore(dataDir, systemClock);
  const services = createServices({ store, config, clock: systemClock, logger });
  for (let i = 0; i < DOORS; i++) {
    const staff = store.people.create({ kind: 'staff', fullName: `Staff ${i}` });
    store.credentials.issue({ personId: staff.id, kind: 'card', value: `card-${i}` });
  }
  services.access.reload('bench staff issued');
  const broker = await startEmbeddedBroker({ port: 0, logger });
  const readers: MqttReaderConfig[] = Array.from({ length: DOORS }, (_, i) => ({ readerId: `d${i}-in`, doorId: `d${i}`, controller: { kind: 'mqtt', deviceId: `d${i}` } }));
  const client = connectBroker({ url: broker.url, clientId: 'bench-contactd', logger });
  await new Promise<void>((r) => client.once('connect', () => r()));
  const driver = createMqttDoorDriver({ client, topicPrefix: 'contactd', siteId: SITE, readers, logger, clock: systemClock });
  services.access.attach(driver, readers.map((r) => r.doorId));
  await driver.start();
  const sims = readers.map((r) => new OwnDialectController({ url: broker.url, topicPrefix: 'contactd', siteId: SITE, deviceId: r.doorId, readers: new Map([[r.readerId, r.doorId]]) }));
  await Promise.all(sims.map((s) => s.start()));
  const presentedAt = new Map<string, number>();
  const latencies: number[] = [];
  for (const s of sims) s.relay.on('unlock', (u) => {
    const t0 = presentedAt.get(u.doorId);
    if (t0 !== undefined) latencies.push(u.perfAt - t0);
    presentedAt.delete(u.doorId);
  });
  ctx.log(`warming up, then ${ms / 1000} s at ${RATE}/s across ${DOORS} doors`);
  await drive(500, (i) => sims[i % DOORS]!.presentCard(`d${i % DOORS}-in`, `card-${i % DOORS}`));
  await new Promise((r) => setTimeout(r, 300));
  latencies.length = 0;
  const rate = await drive(ms, (i) => {
    const door = i % DOORS;
    presentedAt.set(`d${door}`, performance.now());
    sims[door]!.presentCard(`d${door}-in`, `card-${door}`);
  });
  await new Promise((r) => setTimeout(r, 500));
  const bare = await bareRoundTrip(broker.url, ms);
  await Promise.all(sims.map((s) => s.stop()));
  await driver.stop();
  await client.endAsync();
  await broker.close();
  const granted = store.decisions.list({ limit: 100_000 }).filter((d) => d.outcome === 'granted').length;
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  ctx.log(`access engine granted ${granted} presentations`);
  latencies.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  ctx.log(`${latencies.length} unlocks measured, ${bare.length} bare round trips`);
  return {
    mqtt_unlock_p50_ms: percentile(latencies, 50),
    mqtt_unlock_p99_ms: percentile(latencies, 99),
    mqtt_bare_rtt_p50_ms: percentile(bare, 50),
    mqtt_bare_rtt_p99_ms: percentile(bare, 99),
    mqtt_presentations_per_s: Math.round(rate),
  };
}

export const mqttSuite: BenchSuite = { name: 'mqtt', run: (ctx) => runMqttBench(ctx) };
