/**
 * The MQTT door driver: one DoorDriver for both dialects on one broker connection.
 * Subscribes on every (re)connect (MQTT 3.1.1 s3.8.4: a new subscription re-sends the
 * retained messages, which is how door state and availability resync), routes each
 * message to its dialect, and never lets bad input throw or open a door.
 */
import type { ISubscriptionMap, MqttClient } from 'mqtt';
import { flushNow } from '../mqtt-broker/connect.js';
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import type { DeviceEvent, DoorDriver } from '../../src/domain/device-events.js';
import { DEFAULT_MAX_CREDENTIAL_AGE_MS, type CommandOutcome, type DriverContext } from './context.js';
import type { CredentialEntry, SyncResult } from './credential-sync.js';
import type { EspRfidDialect } from './dialects/esp-rfid-dev.js';
import { EspRfid } from './esp-rfid.js';
import { DEFAULT_ACK_GRACE_MS, OwnDialect } from './own-dialect.js';
import type { RejectReason } from './payload.js';
import { groupEspRfidDevices, groupOwnDevices, type MqttReaderConfig } from './readers.js';
import { RejectionCounters, RejectionLogGate, type DeviceCounters } from './rejections.js';

export interface MqttDoorDriverOptions {
  client: MqttClient;
  /** settings.mqtt.topicPrefix */
  topicPrefix: string;
  siteId: string;
  readers: readonly MqttReaderConfig[];
  logger: Logger;
  clock: Clock;
  maxCredentialAgeMs?: number;
  /** Lifetime of lock/feedback/lockdown commands (own dialect). Default 30 s. */
  commandTtlMs?: number;
  /** Own dialect: how long after an unlock/lock/lockdown's expiry a missing ack is reported. Default 2 s. */
  ackGraceMs?: number;
  espRfid?: {
    dialect?: EspRfidDialect;
    /** Default: the dialect's (181 s). */
    heartbeatPeriodMs?: number;
    /** Default 15 s. */
    heartbeatMarginMs?: number;
    /** Quiet period ending a getuserlist listing. Default 3 s. */
    listQuietMs?: number;
    keepForeignUsers?: boolean;
    /** Default 5 s. */
    localGrantWindowMs?: number;
  };
}

export interface MqttDoorDriverStats {
  devices: Record<string, DeviceCounters>;
  commands: Partial<Record<CommandOutcome, number>>;
}

export interface MqttDoorDriver extends DoorDriver {
  /** Per-device accepted/rejected message counts and command outcomes. */
  stats(): MqttDoorDriverStats;
  /**
   * esp-rfid only: the full list of credentials the controller of `doorId` should hold;
   * adds and deletes the difference. Undefined when no esp-rfid controller serves the door.
   */
  syncCredentials(doorId: string, entries: readonly CredentialEntry[]): SyncResult | undefined;
  credentialState(doorId: string): ReturnType<EspRfid['credentialState']>;
}

export function createMqttDoorDriver(options: MqttDoorDriverOptions): MqttDoorDriver {
  const { client, clock } = options;
  const log = options.logger.child({ component: 'mqtt-door' });
  const listeners = new Set<(e: DeviceEvent) => void>();
  const counters = new RejectionCounters();
  const logGate = new RejectionLogGate();
  const commandCounts: Partial<Record<CommandOutcome, number>> = {};
  const maxCredentialAgeMs = options.maxCredentialAgeMs ?? DEFAULT_MAX_CREDENTIAL_AGE_MS;

  const ctx: DriverContext = {
    clock,
    log,
    connected: () => client.connected,
    publish: (topic, payload, qos) => {
      client.publish(topic, payload, { qos }, (err) => {
        if (err) log.warn({ topic, err: err.message }, 'publish failed');
      });
    },
    emit: (event) => {
      for (const l of listeners) {
        try {
          l(event);
        } catch (e) {
          log.error({ err: (e as Error).message, type: event.type }, 'event listener threw');
        }
      }
    },
    commandFailed: (failure) => ctx.emit({ type: 'door-command-failed', ...failure, at: clock.now() }),
    accept: (deviceId) => counters.accept(deviceId),
    reject: (deviceId, reason: RejectReason, detail, topic) => {
      counters.reject(deviceId, reason);
      const notLogged = logGate.admit(deviceId.slice(0, 64), reason, clock.now());
      if (notLogged === undefined) return;
      log.warn({ deviceId: deviceId.slice(0, 64), topic: topic.slice(0, 200), reason, detail, ...(notLogged > 0 ? { notLogged } : {}) }, 'MQTT message rejected');
    },
    countCommand: (outcome) => {
      commandCounts[outcome] = (commandCounts[outcome] ?? 0) + 1;
    },
  };

  const own = new OwnDialect(ctx, {
    base: `${options.topicPrefix}/${options.siteId}`,
    devices: groupOwnDevices(options.readers),
    maxCredentialAgeMs,
    commandTtlMs: options.commandTtlMs ?? 30_000,
    ackGraceMs: options.ackGraceMs ?? DEFAULT_ACK_GRACE_MS,
  });
  const esp = new EspRfid(ctx, {
    devices: groupEspRfidDevices(options.readers),
    maxCredentialAgeMs,
    heartbeatMarginMs: options.espRfid?.heartbeatMarginMs ?? 15_000,
    listQuietMs: options.espRfid?.listQuietMs ?? 3_000,
    keepForeignUsers: options.espRfid?.keepForeignUsers ?? false,
    localGrantWindowMs: options.espRfid?.localGrantWindowMs ?? 5_000,
    ...(options.espRfid?.dialect ? { dialect: options.espRfid.dialect } : {}),
    ...(options.espRfid?.heartbeatPeriodMs !== undefined ? { heartbeatPeriodMs: options.espRfid.heartbeatPeriodMs } : {}),
  });
  const subscriptions = [...own.subscriptions(), ...esp.subscriptions()];

  const onMessage = (topic: string, payload: Buffer) => {
    try {
      if (own.handle(topic, payload) || esp.handle(topic, payload)) return;
      ctx.reject('(unknown)', 'unknown-topic', 'no dialect handles this topic', topic);
    } catch (e) {
      // A handler bug must not take the driver down; the message is dropped like bad input.
      log.error({ topic: topic.slice(0, 200), err: (e as Error).message }, 'MQTT message handler failed');
    }
  };
  const onConnect = () => {
    own.onConnected();
    if (subscriptions.length === 0) return;
    // mqtt.js skips topics it believes subscribed; `resubscribe: true` forces a real SUBSCRIBE.
    const map: ISubscriptionMap = Object.fromEntries(subscriptions.map((t) => [t, { qos: 1 as const }]));
    map.resubscribe = true;
    client.subscribe(map, (err) => {
      if (err) return log.error({ err: err.message }, 'subscribe failed');
      esp.onConnected();
    });
  };
  let wasConnected = false;
  const onClose = () => {
    if (!wasConnected) return;
    wasConnected = false;
    ctx.emit({ type: 'device-availability', deviceId: 'mqtt-broker', deviceKind: 'bus', online: false, reason: 'broker connection lost', at: clock.now() });
  };
  const onConnectAvailability = () => {
    if (wasConnected) return;
    wasConnected = true;
    ctx.emit({ type: 'device-availability', deviceId: 'mqtt-broker', deviceKind: 'bus', online: true, at: clock.now() });
  };

  return {
    name: 'mqtt-door',
    async start() {
      client.on('message', onMessage);
      client.on('connect', onConnectAvailability);
      client.on('connect', onConnect);
      client.on('close', onClose);
      esp.start();
      if (client.connected) {
        onConnectAvailability();
        onConnect();
      }
      log.info({ subscriptions: subscriptions.length }, 'MQTT door driver started');
    },
    async stop() {
      client.off('message', onMessage);
      client.off('connect', onConnect);
      client.off('connect', onConnectAvailability);
      client.off('close', onClose);
      own.stop();
      esp.stop();
      if (client.connected && subscriptions.length > 0) await client.unsubscribeAsync(subscriptions).catch(() => undefined);
    },
    execute(command) {
      try {
        if (command.type === 'lockdown') {
          // Every controller of both dialects takes part in a lockdown.
          own.execute(command);
          esp.execute(command);
          return;
        }
        const handled = own.execute(command) || esp.execute(command);
        if (!handled) log.warn({ type: command.type, doorId: 'doorId' in command ? command.doorId : undefined }, 'no MQTT controller for this command');
      } catch (e) {
        log.error({ err: (e as Error).message, type: command.type }, 'command failed');
      } finally {
        // On the wire before the caller's bookkeeping, not at the end of its turn.
        flushNow(client);
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stats: () => ({ devices: counters.snapshot(), commands: { ...commandCounts } }),
    syncCredentials: (doorId, entries) => esp.syncCredentials(doorId, entries),
    credentialState: (doorId) => esp.credentialState(doorId),
  };
}
