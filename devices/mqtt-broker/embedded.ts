/**
 * The embedded broker: with no broker URL configured the daemon runs aedes on
 * loopback so `npm start` needs nothing else. Production sites point at their own
 * broker (Mosquitto) instead; see connect.ts.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import { duplexPair } from './duplex-pair.js';
import type { Logger } from 'pino';

export interface EmbeddedBrokerOptions {
  /** Interface to bind; loopback by default (the embedded broker has no authentication). */
  host?: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  logger: Logger;
}

export interface EmbeddedBroker {
  /** mqtt://host:port for clients. */
  url: string;
  port: number;
  /**
   * A connection to this broker within the process, for the daemon's own client: the
   * same MQTT session as over TCP (see connectBroker's `stream`), without the loopback
   * socket. A closed broker gives a connection that is already closed, so the client
   * backs off and retries as it would after a refused TCP connect.
   */
  connectInProcess(): Duplex;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger.child({ component: 'mqtt-broker' });
  if (!LOOPBACK.has(host)) log.warn({ host }, 'embedded broker bound beyond loopback: it has no authentication');
  const broker = await Aedes.createBroker();
  broker.on('clientError', (client, err) => log.debug({ clientId: client.id, err: err.message }, 'client error'));
  broker.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));
  const server = net.createServer(broker.handle);
  const sockets = new Set<net.Socket>();
  server.on('connection', (s) => {
    // Door commands are small and latency-bound: no Nagle delay.
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log.info({ host, port }, 'embedded MQTT broker listening');
  let closed = false;
  return {
    url: `mqtt://${urlHost}:${port}`,
    port,
    connectInProcess() {
      const [clientEnd, brokerEnd] = duplexPair();
      if (closed) clientEnd.destroy();
      else broker.handle(brokerEnd);
      return clientEnd;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Sockets are destroyed first so clients see a broker outage, as with a real restart.
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      log.info({ port }, 'embedded MQTT broker closed');
    },
  };
}
