/**
 * Starts the door hardware side of the daemon as services: the MQTT broker (embedded
 * when no URL is configured), the MQTT door driver (both dialects), the esp-rfid
 * offline credential push, the OSDP control panel for the serial buses, and, when
 * settings.simulators.enabled, a simulated controller for every MQTT reader. Each
 * driver is attached to the access engine.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { connectBroker, disconnectBroker } from '../../devices/mqtt-broker/connect.js';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../devices/mqtt-broker/embedded.js';
import { createMqttDoorDriver, type MqttDoorDriver } from '../../devices/mqtt-door/driver.js';
import { mqttReadersOf } from '../../devices/mqtt-door/readers.js';
import { osdpBusesFromSettings, osdpReadersFromSite } from '../../devices/osdp/driver-config.js';
import { createOsdpDriver, type OsdpDriver } from '../../devices/osdp/driver.js';
import { startSiteSimulators, type SiteSimulators } from '../../simulators/mqtt-door/site.js';
import type { Service } from '../daemon.js';
import type { Services } from './index.js';
import { offlineEntriesForDoor } from './credential-push.js';

/** Re-push offline credentials this often, so each card's window moves on to its next movement. */
const PUSH_EVERY_MS = 60_000;

export interface DoorHardware {
  services: Service[];
  /** Set once started: the simulated controllers (demo and tests). */
  simulators(): SiteSimulators | undefined;
  mqttDriver(): MqttDoorDriver | undefined;
  osdpDriver(): OsdpDriver | undefined;
  brokerUrl(): string | undefined;
  /** The daemon's own MQTT client is connected to the broker. */
  brokerConnected(): boolean;
}

export function doorHardware(s: Services, logger: Logger): DoorHardware {
  const { config, clock, access } = s;
  const mqttSettings = config.settings.mqtt;
  const readers = mqttReadersOf(config);
  let broker: EmbeddedBroker | undefined;
  let client: MqttClient | undefined;
  let driver: MqttDoorDriver | undefined;
  let sims: SiteSimulators | undefined;
  let osdp: OsdpDriver | undefined;
  const osdpReaders = osdpReadersFromSite(config.site);
  let url: string | undefined;
  let cancelPush: (() => void) | undefined;
  const stopListening: (() => void)[] = [];
  const availabilityTopic = `${mqttSettings.topicPrefix}/${config.site.id}/_daemon/availability`;
  const espDoors = [...new Set(config.site.doors.filter((d) => d.readers.some((r) => r.controller.kind === 'esp-rfid')).map((d) => d.id))];

  const pushCredentials = () => {
    if (!driver) return;
    const ctx = access.state().ctx;
    const now = clock.now();
    for (const doorId of espDoors) {
      const result = driver.syncCredentials(doorId, offlineEntriesForDoor(doorId, ctx.movements, ctx.credentials, ctx.initials ?? {}, now));
      if (result?.rejected.length) logger.warn({ doorId, rejected: result.rejected }, 'esp-rfid refused some credentials');
    }
  };
  const schedulePush = () => {
    cancelPush = clock.setTimeout(() => {
      pushCredentials();
      schedulePush();
    }, PUSH_EVERY_MS);
  };

  const services: Service[] = [
    {
      name: 'mqtt-broker',
      async start() {
        if (mqttSettings.url) {
          url = mqttSettings.url;
          return;
        }
        broker = await startEmbeddedBroker({ port: mqttSettings.embeddedPort, logger });
        url = broker.url;
      },
      async stop() {
        await broker?.close();
      },
    },
    {
      name: 'mqtt-door-driver',
      async start() {
        const password = mqttSettings.passwordEnv ? process.env[mqttSettings.passwordEnv] : undefined;
        const embedded = broker;
        client = connectBroker({
          url: url!,
          // The daemon's own client reaches its embedded broker without a loopback socket.
          ...(embedded ? { stream: () => embedded.connectInProcess() } : {}),
          clientId: `contactd-${config.site.id}`,
          availabilityTopic,
          logger,
          ...(mqttSettings.username ? { username: mqttSettings.username } : {}),
          ...(password ? { password } : {}),
        });
        driver = createMqttDoorDriver({ client, topicPrefix: mqttSettings.topicPrefix, siteId: config.site.id, readers, logger, clock });
        access.attach(driver, [...new Set(readers.map((r) => r.doorId))]);
        await driver.start();
        stopListening.push(
          s.bus.on('bookings-changed', pushCredentials),
          s.bus.on('credentials-changed', pushCredentials),
          // Escalation outputs (docs/mqtt.md): the sounder/strobe follows `active`; managers get each escalated alert.
          s.bus.on('alert-escalation', (e) => {
            const base = `${mqttSettings.topicPrefix}/${config.site.id}/_alerts`;
            client?.publish(`${base}/sounder`, JSON.stringify({ v: 1, active: e.sounder }), { qos: 1, retain: true });
            if (e.alert) client?.publish(`${base}/managers`, JSON.stringify({ v: 1, alert: e.alert }), { qos: 1 });
          }),
        );
        pushCredentials();
        schedulePush();
      },
      async stop() {
        cancelPush?.();
        for (const stop of stopListening.splice(0)) stop();
        await driver?.stop();
        if (client) await disconnectBroker(client, availabilityTopic);
      },
    },
  ];
  if (osdpReaders.length > 0) {
    services.push({
      name: 'osdp-driver',
      async start() {
        // A `sim:<bus>` path is served by in-process simulated PDs (the demo); others are real serial ports.
        osdp = createOsdpDriver({
          buses: osdpBusesFromSettings(config.settings),
          readers: osdpReaders,
          logger,
          clock,
          ...(config.settings.serial.masterKeyEnv ? { masterKeyEnv: config.settings.serial.masterKeyEnv } : {}),
        });
        access.attach(osdp, [...new Set(osdpReaders.map((r) => r.doorId))]);
        await osdp.start();
      },
      async stop() {
        await osdp?.stop();
      },
    });
  }
  if (config.settings.simulators.enabled && readers.length > 0) {
    services.push({
      name: 'mqtt-door-simulators',
      async start() {
        sims = await startSiteSimulators({ config, url: url!, clock });
      },
      async stop() {
        await sims?.stop();
      },
    });
  }
  return { services, simulators: () => sims, mqttDriver: () => driver, osdpDriver: () => osdp, brokerUrl: () => url, brokerConnected: () => client?.connected ?? false };
}
