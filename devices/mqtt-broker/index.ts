export { startEmbeddedBroker, type EmbeddedBroker, type EmbeddedBrokerOptions } from './embedded.js';
export {
  connectBroker,
  disconnectBroker,
  daemonAvailability,
  reconnectDelay,
  redactUrl,
  noDelay,
  quietMqttLog,
  type BrokerTlsOptions,
  type ConnectBrokerOptions,
} from './connect.js';
