/** OSDP v2.2 control panel: codec, CP engine, secure channel and the DoorDriver. */
export { createOsdpDriver, feedbackCommands, type OsdpDriver, type OsdpDriverOptions } from './driver.js';
export { osdpBusesFromSettings, osdpReadersFromSite, type OsdpBusConfig, type OsdpReaderConfig } from './driver-config.js';
export { OsdpBus, DEFAULT_TIMING, type BusEvent, type BusOptions, type BusTiming } from './cp-bus.js';
export type { PdConfig, PdEvent, QueuedCommand } from './cp-pd.js';
export type { SecureConfig, SecureMode } from './cp-secure.js';
export { OsdpError, OsdpErrorCodes, isOsdpError, type OsdpErrorCode } from './errors.js';
export { FrameParser } from './frame-parser.js';
export { encodeFrame, decodeFrame, type Frame, type DecodedFrame } from './frame.js';
export { createMemoryPortPair, serialPortFactory, type PortFactory, type PortRequest, type SerialPortLike } from './port.js';
export { decodeCard, encodeCard, type DecodedCard, type CardFormatName } from './card-formats.js';
export * from './messages/index.js';
