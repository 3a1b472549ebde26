/** Bad input from the wire: refused, logged and counted per device; never a crash or an unlock. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { pino } from 'pino';
import mqtt, { type MqttClient } from 'mqtt';
import type { EmbeddedBroker } from '../../devices/mqtt-broker/index.js';
import { ownV1, espRfid } from '../../devices/mqtt-door/index.js';
import { payloadCodec } from '../../devices/mqtt-door/payload.js';
import { OwnDialectController } from '../../simulators/mqtt-door/index.js';
import { embeddedBroker, espReaders, ownReaders, PREFIX, SITE, startDriver, until, type DriverHarness } from './helpers.js';

const codecs = [
  payloadCodec(ownV1.Credential, 4096, 1),
  payloadCodec(ownV1.DoorState, 4096, 1),
  payloadCodec(ownV1.Command, 4096, 1),
  payloadCodec(espRfid.SendMessage, 2048),
];

describe('payload codecs under fuzzing', () => {
  it('never throw on arbitrary bytes and refuse what is not JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const c of codecs) {
          const r = c.decode(Buffer.from(bytes));
          if (r.ok) expect(typeof r.value).toBe('object');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accept only schema-valid objects: arbitrary JSON values are refused with a reason', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const r = codecs[0]!.decode(Buffer.from(JSON.stringify(value) ?? 'null'));
        if (r.ok) expect(['card', 'pin'].some((k) => k in r.value)).toBe(true);
        else expect(r.reason).toMatch(/not-object|unsupported-version|schema|not-json/);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuse a valid credential once any field is mistyped or an unknown field is added', () => {
    const valid = { v: 1, id: 'e1', at: 1, card: 'abc' };
    fc.assert(
      fc.property(fc.constantFrom('v', 'id', 'at', 'card'), fc.oneof(fc.boolean(), fc.constant(null), fc.object(), fc.float()), (key, junk) => {
        fc.pre(!(key === 'at' && Number.isInteger(junk)));
        const r = codecs[0]!.decode(Buffer.from(JSON.stringify({ ...valid, [key]: junk })));
        expect(r.ok).toBe(false);
      }),
    );
    const extra = codecs[0]!.decode(Buffer.from(JSON.stringify({ ...valid, unlock: true })));
    expect(extra).toMatchObject({ ok: false, reason: 'schema' });
    expect(codecs[0]!.decode(Buffer.from(JSON.stringify({ ...valid, v: 2 })))).toMatchObject({ ok: false, reason: 'unsupported-version' });
    expect(codecs[0]!.decode(Buffer.alloc(5000, 0x20))).toMatchObject({ ok: false, reason: 'oversized' });
  });
});

describe('bad input over a real broker', () => {
  let broker: EmbeddedBroker;
  let harness: DriverHarness;
  let sim: OwnDialectController;
  let raw: MqttClient;

  beforeAll(async () => {
    broker = await embeddedBroker();
    sim = new OwnDialectController({ url: broker.url, topicPrefix: PREFIX, siteId: SITE, deviceId: 'gate-b', readers: new Map([['gate-b-in', 'gate-b']]) });
    await sim.start();
    harness = await startDriver(broker.url, [...ownReaders('gate-b', 'gate-b'), ...espReaders('esp/front', '10.0.0.9', 'front-a')]);
    raw = await mqtt.connectAsync(broker.url);
  });

  afterAll(async () => {
    await raw.endAsync();
    await harness.stop();
    await sim.stop();
    await broker.close();
  });

  it('refuses and counts each kind of bad message without emitting a credential or unlocking', async () => {
    const base = `${PREFIX}/${SITE}`;
    const cred = `${base}/gate-b/reader/gate-b-in/credential`;
    const now = Date.now();
    const bad: [string, string | Buffer][] = [
      [cred, '{"v":1,"id":"x","at":'],
      [cred, JSON.stringify({ v: 1, id: 'x1', at: now, card: 'c', admin: true })],
      [cred, JSON.stringify({ v: 1, id: 'x2', at: String(now), card: 'c' })],
      [cred, Buffer.alloc(10_000, 0x7b)],
      [cred, JSON.stringify({ v: 1, id: 'x3', at: now - 60_000, card: 'late' })],
      [`${base}/gate-b/reader/nope/credential`, JSON.stringify({ v: 1, id: 'x4', at: now, card: 'c' })],
      [`${base}/ghost/reader/r/credential`, JSON.stringify({ v: 1, id: 'x5', at: now, card: 'c' })],
      [`${base}/gate-b/door/other/event`, JSON.stringify({ v: 1, id: 'x6', at: now, event: 'rex' })],
      ['esp/front/send', '{"type":"access","isKnown":true}'],
      ['esp/front/send', '[1,2,3]'],
    ];
    for (const [topic, payload] of bad) await raw.publishAsync(topic, payload, { qos: 1 });
    await until(() => {
      const s = harness.driver.stats().devices;
      const count = (d: string) => Object.values(s[d]?.rejected ?? {}).reduce((a, b) => a + (b ?? 0), 0);
      return count('gate-b') === 7 && count('ghost') === 1 && count('esp/front') === 2;
    }, 3000, 'all rejections counted');
    const s = harness.driver.stats().devices;
    expect(s['gate-b']?.rejected).toEqual({ 'not-json': 1, schema: 2, oversized: 1, stale: 1, 'unknown-reader': 1, 'unknown-door': 1 });
    expect(s['ghost']?.rejected).toEqual({ 'unknown-device': 1 });
    expect(harness.events.some((e) => e.type === 'credential-presented' || e.type === 'request-to-exit')).toBe(false);
    expect(sim.relay.unlocks).toEqual([]);
    // Still working afterwards.
    sim.presentCard('gate-b-in', 'good');
    await harness.waitFor((e) => e.type === 'credential-presented' && e.credential.kind === 'card' && e.credential.id === 'good');
  });

  it('counts every message of a flood but logs only the first few per device and reason', async () => {
    const lines: { reason?: string; deviceId?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const watcher = await startDriver(broker.url, ownReaders('gate-b', 'gate-b'), { logger });
    try {
      const cred = `${PREFIX}/${SITE}/gate-b/reader/gate-b-in/credential`;
      for (let i = 0; i < 300; i++) raw.publish(cred, `{"v":1,"id":"flood-${i}"`, { qos: 0 });
      await until(() => (watcher.driver.stats().devices['gate-b']?.rejected['not-json'] ?? 0) === 300, 5000, '300 refusals counted');
      const logged = lines.filter((l) => l.deviceId === 'gate-b' && l.reason === 'not-json');
      expect(logged).toHaveLength(5);
    } finally {
      await watcher.stop();
    }
  });

  it('survives a fuzzed stream of payloads on every topic it listens to', async () => {
    const topics = [`${PREFIX}/${SITE}/gate-b/reader/gate-b-in/credential`, `${PREFIX}/${SITE}/gate-b/door/gate-b/state`, `${PREFIX}/${SITE}/gate-b/ack`, 'esp/front/send'];
    const samples = fc.sample(fc.tuple(fc.constantFrom(...topics), fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v) ?? ''), fc.string())), 300);
    for (const [t, p] of samples) raw.publish(t, p, { qos: 0 });
    await raw.publishAsync(topics[0]!, 'end', { qos: 1 });
    sim.presentCard('gate-b-in', 'after-fuzz');
    await harness.waitFor((e) => e.type === 'credential-presented' && e.credential.kind === 'card' && e.credential.id === 'after-fuzz', 5000);
    expect(sim.relay.unlocks).toEqual([]);
  });
});
