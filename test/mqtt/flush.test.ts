/**
 * A door command leaves the daemon when it is sent, not at the end of the tick: mqtt-packet
 * corks the socket per packet and uncorks on the next tick, so without flushNow every
 * synchronous step after the command (the decision's record, live updates) delays it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import type { Writable } from 'node:stream';
import { flushNow, type EmbeddedBroker } from '../../devices/mqtt-broker/index.js';
import { embeddedBroker } from './helpers.js';

let broker: EmbeddedBroker | undefined;
let clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.endAsync()));
  clients = [];
  await broker?.close();
  broker = undefined;
});

describe('flushNow', () => {
  it('hands a published command to the socket at once, and it arrives', async () => {
    broker = await embeddedBroker();
    const sender = await mqtt.connectAsync(broker.url, { clientId: 'flush-sender' });
    const receiver = await mqtt.connectAsync(broker.url, { clientId: 'flush-receiver' });
    clients = [sender, receiver];
    await receiver.subscribeAsync('flush/cmd', { qos: 1 });
    const got = new Promise<string>((resolve) => receiver.once('message', (_t, p) => resolve(p.toString())));
    const socket = sender.stream as unknown as Writable;

    sender.publish('flush/cmd', 'unlock', { qos: 1 });
    // mqtt-packet held the packet back for the next tick...
    expect(socket.writableCorked).toBeGreaterThan(0);
    expect(socket.writableLength).toBeGreaterThan(0);
    flushNow(sender);
    // ...and flushNow wrote it to the kernel before this synchronous code goes on.
    expect(socket.writableCorked).toBe(0);
    expect(socket.writableLength).toBe(0);
    expect(await got).toBe('unlock');
  });

  it('is harmless when nothing is corked', async () => {
    broker = await embeddedBroker();
    const client = await mqtt.connectAsync(broker.url, { clientId: 'flush-idle' });
    clients = [client];
    flushNow(client);
    expect((client.stream as unknown as Writable).writableCorked).toBe(0);
    await client.publishAsync('flush/idle', 'x', { qos: 1 });
  });
});
