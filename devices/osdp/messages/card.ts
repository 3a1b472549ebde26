/**
 * Card and keypad input, SIA OSDP v2.2 sections 7.10 (osdp_RAW: reader, format code,
 * bit count LSB/MSB, bits packed MSB first) and 7.12 (osdp_KEYPAD: reader, digit
 * count, digits). Keypad digits are ASCII; the spec codes '*' (clear) as 0x7F, '#' (enter)
 * as 0x0D and function keys as 'A'..'H' (0x41-0x48); some readers send the plain ASCII
 * '*' 0x2A / '#' 0x23: both are accepted.
 */
import { badValue, byteRange, expectAtLeast, expectLength, u16le } from './bytes.js';

export const RawFormat = { UNSPECIFIED: 0, WIEGAND: 1 } as const;

export type CardReply =
  | { type: 'raw'; reader: number; format: number; bitCount: number; bits: Uint8Array }
  | { type: 'keypad'; reader: number; digits: string };

export function encodeRaw(r: { reader: number; format: number; bitCount: number; bits: Uint8Array }): Uint8Array {
  const bytes = Math.ceil(r.bitCount / 8);
  if (r.bits.length !== bytes) throw badValue('raw', `${r.bitCount} bits need ${bytes} bytes`);
  byteRange('raw bit count', r.bitCount, 0xffff);
  return Uint8Array.from([byteRange('raw reader', r.reader), byteRange('raw format', r.format), r.bitCount & 0xff, r.bitCount >> 8, ...r.bits]);
}

export function decodeRaw(data: Uint8Array): CardReply {
  expectAtLeast('raw', data, 4);
  const bitCount = u16le(data, 2);
  if (bitCount === 0) throw badValue('raw', 'zero bits');
  expectLength('raw', data, 4 + Math.ceil(bitCount / 8));
  return { type: 'raw', reader: data[0] as number, format: data[1] as number, bitCount, bits: data.slice(4) };
}

const TO_WIRE: Record<string, number> = { '*': 0x7f, '#': 0x0d };
const FROM_WIRE: Record<number, string> = { 0x7f: '*', 0x2a: '*', 0x0d: '#', 0x23: '#' };

export function encodeKeypad(k: { reader: number; digits: string }): Uint8Array {
  const codes = [...k.digits].map((c) => {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'H')) return c.charCodeAt(0);
    const wire = TO_WIRE[c];
    if (wire === undefined) throw badValue('keypad', `key '${c}' cannot be sent`);
    return wire;
  });
  return Uint8Array.from([byteRange('keypad reader', k.reader), byteRange('keypad count', codes.length), ...codes]);
}

export function decodeKeypad(data: Uint8Array): CardReply {
  expectAtLeast('keypad', data, 2);
  expectLength('keypad', data, 2 + (data[1] as number));
  let digits = '';
  for (const b of data.subarray(2)) {
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x48)) digits += String.fromCharCode(b);
    else if (FROM_WIRE[b] !== undefined) digits += FROM_WIRE[b];
    else throw badValue('keypad', `key code 0x${b.toString(16)} undefined`);
  }
  return { type: 'keypad', reader: data[0] as number, digits };
}
