export { OwnDialectController, type OwnControllerOptions } from './own-controller.js';
export { EspRfidController, type EspRfidControllerOptions, type StoredUser } from './esp-rfid-controller.js';
export { Relay, type UnlockRecord } from './relay.js';
export { startSiteSimulators, type SiteSimulators, type SiteSimulatorOptions } from './site.js';
