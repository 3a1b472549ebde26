/**
 * Wiegand card formats carried in osdp_RAW (bits packed MSB first, first bit transmitted
 * = most significant bit of the first byte). Parity layouts:
 * - 26-bit HID H10301: P(even over bits 0-12) | FC 8 | CN 16 | P(odd over bits 13-25).
 * - 34-bit HID H10306: P(even over 0-16) | FC 16 | CN 16 | P(odd over 17-33).
 * - 35-bit HID Corporate 1000: P2(odd, all) | P1(even, mask) | company 12 | CN 20 | P3(odd, mask)
 *   (masks as in the published HID description; see c1k35Parity).
 * - 37-bit HID H10304: P(even over 0-18) | FC 16 | CN 19 | P(odd over 18-36).
 * A known length with bad parity is a misread and is refused (never guessed); any other
 * length is reported raw as `raw:<bitcount>:<hex>`.
 */
import { OsdpError, OsdpErrorCodes } from './errors.js';

export type CardFormatName = 'h10301' | 'h10306' | 'c1k35' | 'h10304';

export interface DecodedCard {
  format: CardFormatName | 'raw';
  /** The credential id reported to the domain, e.g. `h10301:12:3456` or `raw:40:0102030405`. */
  id: string;
  facility?: number;
  card?: number;
}

type Bits = number[];

function unpack(bitCount: number, bytes: Uint8Array): Bits {
  const bits: Bits = [];
  for (let i = 0; i < bitCount; i++) bits.push(((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1);
  return bits;
}

function pack(bits: Bits): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => {
    if (b) out[i >> 3] = (out[i >> 3] as number) | (0x80 >> (i & 7));
  });
  return out;
}

function field(bits: Bits, start: number, len: number): number {
  let v = 0;
  for (let i = start; i < start + len; i++) v = v * 2 + (bits[i] as number);
  return v;
}

function setField(bits: Bits, start: number, len: number, value: number): void {
  for (let i = start + len - 1; i >= start; i--) {
    bits[i] = value % 2;
    value = Math.floor(value / 2);
  }
}

function ones(bits: Bits, from: number, to: number): number {
  let n = 0;
  for (let i = from; i <= to; i++) n += bits[i] as number;
  return n;
}

interface LinearFormat {
  name: Exclude<CardFormatName, 'c1k35'>;
  bits: number;
  fc: [number, number];
  cn: [number, number];
  /** Even parity window (includes the leading parity bit) and odd parity window (includes the trailing one). */
  even: [number, number];
  odd: [number, number];
}

const LINEAR: LinearFormat[] = [
  { name: 'h10301', bits: 26, fc: [1, 8], cn: [9, 16], even: [0, 12], odd: [13, 25] },
  { name: 'h10306', bits: 34, fc: [1, 16], cn: [17, 16], even: [0, 16], odd: [17, 33] },
  { name: 'h10304', bits: 37, fc: [1, 16], cn: [17, 19], even: [0, 18], odd: [18, 36] },
];

/** Corporate 1000 masks over the value's bits numbered from the least significant (0..34). */
const C1K_P1_MASK = 0xb6db6db6; // even parity, stored in bit 33, also covers bit 32
const C1K_P3_MASK = 0x6db6db6c; // odd parity, stored in bit 0, also covers bits 32-33

function c1k35Parity(bits: Bits): { p1: number; p3: number; p2: number } {
  const lsb = (k: number): number => bits[34 - k] as number;
  let sum1 = lsb(32);
  let sum3 = lsb(32) + lsb(33);
  for (let k = 0; k < 32; k++) {
    if ((C1K_P1_MASK >>> k) & 1) sum1 += lsb(k);
    if ((C1K_P3_MASK >>> k) & 1) sum3 += lsb(k);
  }
  return { p1: sum1 % 2, p3: 1 - (sum3 % 2), p2: 1 - (ones(bits, 1, 34) % 2) };
}

function badParity(format: string): OsdpError {
  return new OsdpError(OsdpErrorCodes.CARD_BAD_PARITY, `${format}: parity check failed`);
}

export function rawCardId(bitCount: number, bytes: Uint8Array): string {
  return `raw:${bitCount}:${Buffer.from(bytes.subarray(0, Math.ceil(bitCount / 8))).toString('hex')}`;
}

/** Decodes a card read; throws OsdpError CARD_BAD_PARITY for a known length with bad parity. */
export function decodeCard(bitCount: number, bytes: Uint8Array): DecodedCard {
  const bits = unpack(bitCount, bytes);
  const linear = LINEAR.find((f) => f.bits === bitCount);
  if (linear) {
    if (ones(bits, linear.even[0], linear.even[1]) % 2 !== 0 || ones(bits, linear.odd[0], linear.odd[1]) % 2 !== 1) {
      throw badParity(linear.name);
    }
    const facility = field(bits, ...linear.fc);
    const card = field(bits, ...linear.cn);
    return { format: linear.name, id: `${linear.name}:${facility}:${card}`, facility, card };
  }
  if (bitCount === 35) {
    const p = c1k35Parity(bits);
    if (bits[0] !== p.p2 || bits[1] !== p.p1 || bits[34] !== p.p3) throw badParity('c1k35');
    const facility = field(bits, 2, 12);
    const card = field(bits, 14, 20);
    return { format: 'c1k35', id: `c1k35:${facility}:${card}`, facility, card };
  }
  return { format: 'raw', id: rawCardId(bitCount, bytes) };
}

/** Builds the bits of a card (used by the simulator and tests). */
export function encodeCard(format: CardFormatName, facility: number, card: number): { bitCount: number; bits: Uint8Array } {
  if (format === 'c1k35') {
    const bits: Bits = new Array<number>(35).fill(0);
    setField(bits, 2, 12, facility);
    setField(bits, 14, 20, card);
    // Order matters: P1 (bit 33) first, then P3 (bit 0) which covers it, then P2 over all.
    bits[1] = c1k35Parity(bits).p1;
    bits[34] = c1k35Parity(bits).p3;
    bits[0] = c1k35Parity(bits).p2;
    return { bitCount: 35, bits: pack(bits) };
  }
  const f = LINEAR.find((l) => l.name === format);
  if (!f) throw new OsdpError(OsdpErrorCodes.MESSAGE_BAD_VALUE, `unknown card format ${format}`);
  if (facility >= 2 ** f.fc[1] || card >= 2 ** f.cn[1] || facility < 0 || card < 0) {
    throw new OsdpError(OsdpErrorCodes.MESSAGE_BAD_VALUE, `${format}: facility/card out of range`);
  }
  const bits: Bits = new Array<number>(f.bits).fill(0);
  setField(bits, ...f.fc, facility);
  setField(bits, ...f.cn, card);
  bits[f.even[0]] = ones(bits, f.even[0] + 1, f.even[1]) % 2;
  bits[f.odd[1]] = 1 - (ones(bits, f.odd[0], f.odd[1] - 1) % 2);
  return { bitCount: f.bits, bits: pack(bits) };
}
