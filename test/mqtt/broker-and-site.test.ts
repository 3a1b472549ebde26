/** Broker start/connect and the site-wide simulators on the demo config. */
import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { loadConfigFile } from '../../src/config/load.js';
import { connectBroker, reconnectDelay, redactUrl } from '../../devices/mqtt-broker/index.js';
import { mqttReadersOf } from '../../devices/mqtt-door/index.js';
import { startSiteSimulators } from '../../simulators/mqtt-door/index.js';
import { embeddedBroker, silent, startDriver, until } from './helpers.js';

describe('broker', () => {
  it('starts on a random loopback port and publishes the daemon availability, with a last will', async () => {
    const broker = await embeddedBroker();
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.port).toBeGreaterThan(0);
    const watcher = await mqtt.connectAsync(broker.url);
    const seen: string[] = [];
    watcher.on('message', (_t, p) => seen.push(p.toString()));
    await watcher.subscribeAsync('contactd/s/_daemon/availability', { qos: 1 });
    const client = connectBroker({ url: broker.url, clientId: 'daemon', availabilityTopic: 'contactd/s/_daemon/availability', logger: silent });
    await until(() => seen.includes('{"v":1,"online":true}'), 3000, 'online');
    client.stream.destroy(); // an abrupt loss: the broker publishes the will
    await until(() => seen.includes('{"v":1,"online":false}'), 3000, 'will');
    await client.endAsync(true);
    await watcher.endAsync();
    await broker.close();
  });

  it('takes the daemon in process, without a socket: both ways with TCP clients, the will on an abrupt loss, nothing lost across a reconnect', async () => {
    const broker = await embeddedBroker();
    const device = await mqtt.connectAsync(broker.url);
    const seen: string[] = [];
    device.on('message', (t, p) => seen.push(`${t} ${p.toString()}`));
    await device.subscribeAsync('contactd/s/#', { qos: 1 });
    const client = connectBroker({
      url: broker.url, stream: () => broker.connectInProcess(), clientId: 'daemon', availabilityTopic: 'contactd/s/_daemon/availability', logger: silent, minReconnectMs: 50,
    });
    await until(() => seen.includes('contactd/s/_daemon/availability {"v":1,"online":true}'), 3000, 'online');
    expect(client.stream).not.toHaveProperty('remoteAddress');
    const got: string[] = [];
    client.on('message', (_t, p) => got.push(p.toString()));
    await client.subscribeAsync('contactd/s/dev/+', { qos: 1 });
    await device.publishAsync('contactd/s/dev/card', 'c1', { qos: 1 });
    await until(() => got.includes('c1'), 3000, 'device -> daemon');
    await client.publishAsync('contactd/s/cmd', 'unlock', { qos: 1 });
    await until(() => seen.includes('contactd/s/cmd unlock'), 3000, 'daemon -> device');

    client.stream.destroy(); // an abrupt loss: the broker publishes the will, the client reconnects by itself
    await until(() => seen.includes('contactd/s/_daemon/availability {"v":1,"online":false}'), 3000, 'will');
    await device.publishAsync('contactd/s/dev/card', 'c2', { qos: 1 }); // while away or just back: the session keeps it
    await until(() => got.includes('c2'), 3000, 'queued for the persistent session');
    // Back online by itself: the availability is published again on the new connection.
    await until(() => seen.filter((m) => m.endsWith('{"v":1,"online":true}')).length === 2, 3000, 'online again');

    // A closed broker refuses the in-process connection as a stopped one refuses TCP: retried, nothing thrown.
    await device.endAsync();
    await broker.close();
    await until(() => !client.connected, 3000, 'disconnected');
    expect(broker.connectInProcess().destroyed).toBe(true);
    await client.endAsync(true);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(reconnectDelay(0, 500, 30_000, () => 0.5)).toBe(500);
    expect(reconnectDelay(3, 500, 30_000, () => 0.5)).toBe(4000);
    expect(reconnectDelay(30, 500, 30_000, () => 1)).toBe(36_000);
    expect(reconnectDelay(30, 500, 30_000, () => 0)).toBe(24_000);
    expect(redactUrl('mqtts://user:secret@host:8883')).toBe('mqtts://***@host:8883');
  });
});

describe('site simulators on the demo config', () => {
  it('start one controller per MQTT device and talk to a driver built from the same config', async () => {
    const { config } = loadConfigFile('config/default.json', {});
    const broker = await embeddedBroker();
    const sims = await startSiteSimulators({ config, url: broker.url });
    const readers = mqttReadersOf(config);
    const h = await startDriver(broker.url, readers, { topicPrefix: config.settings.mqtt.topicPrefix, siteId: config.site.id, espRfid: { listQuietMs: 100 } });
    expect([...sims.own.keys()].sort()).toEqual(['front-b', 'gate-b', 'reception', 'staff', 'waiting-b']);
    expect([...sims.espRfid.keys()].sort()).toEqual(['esp-rfid/front-a', 'esp-rfid/gate-a', 'esp-rfid/waiting-a']);
    sims.own.get('waiting-b')!.presentCard('waiting-b-out', 'c1');
    await h.waitFor((e) => e.type === 'credential-presented' && e.readerId === 'waiting-b-out' && e.doorId === 'waiting-b');
    const gateA = sims.forDoor('gate-a')!;
    const opened = gateA.relay.expectUnlock('gate-a');
    h.driver.execute({ type: 'unlock', doorId: 'gate-a', seconds: 5, commandId: 'g', expiresAt: Date.now() + 3000 });
    await opened;
    await h.stop();
    await sims.stop();
    await broker.close();
  });
});
