/** osdp_ACK (section 7.2), osdp_NAK (7.3) and osdp_BUSY (7.16). */
import { expectAtLeast, expectLength } from './bytes.js';
import { NakReason } from './codes.js';

export type AckReply =
  | { type: 'ack' }
  /** `reason` is a NakReason; `detail` carries the optional extra bytes (e.g. the SCS type). */
  | { type: 'nak'; reason: number; detail: Uint8Array }
  | { type: 'busy' };

export function decodeAck(data: Uint8Array): AckReply {
  expectLength('ack', data, 0);
  return { type: 'ack' };
}

export function decodeBusy(data: Uint8Array): AckReply {
  expectLength('busy', data, 0);
  return { type: 'busy' };
}

export function encodeNak(reason: number, detail: Uint8Array = new Uint8Array(0)): Uint8Array {
  return Uint8Array.from([reason & 0xff, ...detail]);
}

export function decodeNak(data: Uint8Array): AckReply {
  expectAtLeast('nak', data, 1);
  return { type: 'nak', reason: data[0] as number, detail: data.slice(1) };
}

const NAK_NAMES: Record<number, string> = {
  [NakReason.NONE]: 'no error',
  [NakReason.CHECK]: 'message check character(s) error',
  [NakReason.COMMAND_LENGTH]: 'command length error',
  [NakReason.UNKNOWN_COMMAND]: 'unknown command code',
  [NakReason.SEQUENCE]: 'unexpected sequence number',
  [NakReason.SECURITY_UNSUPPORTED]: 'security block not supported',
  [NakReason.SECURITY_CONDITION]: 'encrypted communication required / security condition not met',
  [NakReason.BIO_TYPE]: 'BIO_TYPE not supported',
  [NakReason.BIO_FORMAT]: 'BIO_FORMAT not supported',
  [NakReason.CANNOT_PROCESS]: 'unable to process command record',
};

export function nakReasonName(reason: number): string {
  return NAK_NAMES[reason] ?? `reason 0x${reason.toString(16)}`;
}
