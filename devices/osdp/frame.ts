/**
 * OSDP packet framing, SIA OSDP v2.2 section 5.7 ("Packet Structure"):
 *   [MARK 0xFF] SOM 0x53 | ADDR | LEN_LSB | LEN_MSB | CTRL | [SCB] | CODE | DATA | [MAC 4] | CHECK
 * LEN counts from SOM to the last check byte (the optional mark byte is not counted).
 * CTRL bits 0-1: sequence number; bit 2: 1 = CRC-16, 0 = 8-bit checksum; bit 3: security
 * block present. A reply sets bit 7 of ADDR. This layer knows bytes and frames only: it
 * neither interprets CODE/DATA nor checks MACs (the secure channel does, secure-channel.ts).
 */
import { checksum8, crc16 } from './checks.js';
import { OsdpError, OsdpErrorCodes } from './errors.js';

export const MARK = 0xff;
export const SOM = 0x53;
export const BROADCAST_ADDRESS = 0x7f;
const CTRL_SQN = 0x03;
const CTRL_CRC = 0x04;
const CTRL_SCB = 0x08;
const HEADER_LEN = 5;
/** Security block types that carry a 4-byte MAC after the data (Annex D.1: SCS_15..SCS_18). */
const FIRST_MAC_SCB_TYPE = 0x15;
/** Longest packet accepted; PDs advertise far less (PDCAP function 10), 1440 is generous. */
export const MAX_FRAME_LEN = 1440;

export interface SecurityBlock {
  type: number;
  /** SCB data after the length and type bytes (e.g. the key selector of SCS_11). */
  data: Uint8Array;
}

export interface Frame {
  /** 0x00-0x7E, 0x7F broadcast; without the reply bit. */
  address: number;
  /** True for PD -> CP (ADDR bit 7). */
  reply: boolean;
  sequence: number;
  useCrc: boolean;
  securityBlock?: SecurityBlock;
  code: number;
  /** The data field as on the wire (still encrypted under SCS_17/18). */
  data: Uint8Array;
  /** The 4 MAC bytes under SCS_15..SCS_18. */
  mac?: Uint8Array;
}

export interface DecodedFrame extends Frame {
  /** The packet bytes from SOM to the last check byte. */
  raw: Uint8Array;
}

export interface EncodeOptions {
  /** Send the 0xFF mark byte before SOM (v2.2 section 5.7). */
  mark?: boolean;
  /** Computes the 4-byte MAC over the packet from SOM up to the MAC (length already final). */
  macFor?: (bytesBeforeMac: Uint8Array) => Uint8Array;
}

export function hasMac(securityBlock: SecurityBlock | undefined): boolean {
  return securityBlock !== undefined && securityBlock.type >= FIRST_MAC_SCB_TYPE;
}

export function encodeFrame(frame: Frame, options: EncodeOptions = {}): Uint8Array {
  const sb = frame.securityBlock;
  const scbLen = sb ? 2 + sb.data.length : 0;
  const macLen = hasMac(sb) ? 4 : 0;
  const checkLen = frame.useCrc ? 2 : 1;
  const len = HEADER_LEN + scbLen + 1 + frame.data.length + macLen + checkLen;
  if (len > MAX_FRAME_LEN) {
    throw new OsdpError(OsdpErrorCodes.FRAME_TOO_LONG, `packet of ${len} bytes exceeds ${MAX_FRAME_LEN}`);
  }
  const lead = options.mark ? 1 : 0;
  const out = new Uint8Array(lead + len);
  if (lead) out[0] = MARK;
  const pkt = out.subarray(lead);
  pkt[0] = SOM;
  pkt[1] = (frame.address & 0x7f) | (frame.reply ? 0x80 : 0);
  pkt[2] = len & 0xff;
  pkt[3] = len >> 8;
  pkt[4] = (frame.sequence & CTRL_SQN) | (frame.useCrc ? CTRL_CRC : 0) | (sb ? CTRL_SCB : 0);
  let at = HEADER_LEN;
  if (sb) {
    pkt[at] = scbLen;
    pkt[at + 1] = sb.type;
    pkt.set(sb.data, at + 2);
    at += scbLen;
  }
  pkt[at++] = frame.code;
  pkt.set(frame.data, at);
  at += frame.data.length;
  if (macLen) {
    const mac = frame.mac ?? options.macFor?.(pkt.subarray(0, at));
    if (!mac || mac.length < 4) {
      throw new OsdpError(OsdpErrorCodes.SC_NOT_ESTABLISHED, 'a MAC-carrying security block needs a MAC');
    }
    pkt.set(mac.subarray(0, 4), at);
    at += 4;
  }
  writeCheck(pkt, at, frame.useCrc);
  return out;
}

function writeCheck(pkt: Uint8Array, at: number, useCrc: boolean): void {
  if (useCrc) {
    const crc = crc16(pkt, 0, at);
    pkt[at] = crc & 0xff;
    pkt[at + 1] = crc >> 8;
  } else {
    pkt[at] = checksum8(pkt, 0, at);
  }
}

/** The declared packet length, or undefined while fewer than 4 bytes are present. */
export function declaredLength(bytes: Uint8Array, start: number): number | undefined {
  if (bytes.length - start < 4) return undefined;
  return (bytes[start + 2] as number) | ((bytes[start + 3] as number) << 8);
}

/** Smallest legal packet: header, code and a 1-byte checksum (2 with CRC). */
export function minimumLength(ctrl: number): number {
  return HEADER_LEN + 1 + (ctrl & CTRL_CRC ? 2 : 1);
}

/** True when the check bytes of the packet at pkt[0..len) are right (section 5.8). */
export function checkIsValid(pkt: Uint8Array): boolean {
  const len = pkt.length;
  if (len < 7) return false;
  const ctrl = pkt[4] as number;
  if (ctrl & CTRL_CRC) {
    return crc16(pkt, 0, len - 2) === ((pkt[len - 2] as number) | ((pkt[len - 1] as number) << 8));
  }
  return checksum8(pkt, 0, len - 1) === pkt[len - 1];
}

/**
 * Decodes one complete packet (SOM first, exactly LEN bytes). Throws OsdpError with a
 * FRAME_* code on anything malformed; never reads past `pkt`.
 */
export function decodeFrame(pkt: Uint8Array): DecodedFrame {
  if (pkt.length < 7) throw new OsdpError(OsdpErrorCodes.FRAME_TOO_SHORT, 'packet shorter than 7 bytes');
  if (pkt[0] !== SOM) throw new OsdpError(OsdpErrorCodes.FRAME_BAD_SOM, 'packet does not start with SOM');
  const ctrl = pkt[4] as number;
  if (declaredLength(pkt, 0) !== pkt.length || pkt.length < minimumLength(ctrl)) {
    throw new OsdpError(OsdpErrorCodes.FRAME_BAD_LENGTH, 'LEN does not match the packet');
  }
  if (!checkIsValid(pkt)) throw new OsdpError(OsdpErrorCodes.FRAME_BAD_CHECK, 'CRC/checksum mismatch');
  const useCrc = (ctrl & CTRL_CRC) !== 0;
  const end = pkt.length - (useCrc ? 2 : 1);
  let at = HEADER_LEN;
  let securityBlock: SecurityBlock | undefined;
  if (ctrl & CTRL_SCB) {
    const scbLen = pkt[at] as number;
    if (scbLen < 2 || at + scbLen >= end) {
      throw new OsdpError(OsdpErrorCodes.FRAME_BAD_SECURITY_BLOCK, 'security block length out of range');
    }
    securityBlock = { type: pkt[at + 1] as number, data: pkt.slice(at + 2, at + scbLen) };
    at += scbLen;
  }
  const macLen = hasMac(securityBlock) ? 4 : 0;
  if (at + 1 + macLen > end) {
    throw new OsdpError(OsdpErrorCodes.FRAME_BAD_SECURITY_BLOCK, 'no room for code and MAC');
  }
  const frame: DecodedFrame = {
    address: (pkt[1] as number) & 0x7f,
    reply: ((pkt[1] as number) & 0x80) !== 0,
    sequence: ctrl & CTRL_SQN,
    useCrc,
    code: pkt[at] as number,
    data: pkt.slice(at + 1, end - macLen),
    raw: pkt,
  };
  if (securityBlock) frame.securityBlock = securityBlock;
  if (macLen) frame.mac = pkt.slice(end - macLen, end);
  return frame;
}

/** The bytes a MAC covers: from SOM up to (not including) the MAC. */
export function macInput(frame: DecodedFrame): Uint8Array {
  return frame.raw.subarray(0, frame.raw.length - (frame.useCrc ? 2 : 1) - 4);
}
