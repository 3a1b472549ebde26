/** Supported door-controller dialects as data (STYLE.md "device support as data"). */
export * as ownV1 from './own-v1.js';
export * as espRfid from './esp-rfid-dev.js';
export { ownDialectV1 } from './own-v1.js';
export { espRfidDev, espRfidDialects, type EspRfidDialect } from './esp-rfid-dev.js';
