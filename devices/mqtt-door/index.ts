export { createMqttDoorDriver, type MqttDoorDriver, type MqttDoorDriverOptions, type MqttDoorDriverStats } from './driver.js';
export { mqttReadersOf, type MqttReaderConfig } from './readers.js';
export type { CredentialEntry, SyncResult } from './credential-sync.js';
export type { RejectReason } from './payload.js';
export * from './dialects/index.js';
