/**
 * Status queries and reports, SIA OSDP v2.2 sections 6.4-6.7 (osdp_LSTAT, osdp_ISTAT,
 * osdp_OSTAT, osdp_RSTAT) and 7.6-7.9 (osdp_LSTATR, osdp_ISTATR, osdp_OSTATR,
 * osdp_RSTATR). PDs also send the reports unsolicited, as the reply to osdp_POLL, when a
 * state changes.
 */
import { badValue, expectLength } from './bytes.js';

export type StatusCommand = { type: 'lstat' } | { type: 'istat' } | { type: 'ostat' } | { type: 'rstat' };

export type StatusReply =
  /** Local status: tamper and power (0 normal, 1 tamper / power failure). */
  | { type: 'lstatr'; tamper: boolean; powerFailure: boolean }
  /** One entry per input: true = active. */
  | { type: 'istatr'; inputs: boolean[] }
  /** One entry per output: true = active. */
  | { type: 'ostatr'; outputs: boolean[] }
  /** Section 7.9, one entry per attached reader: 0 normal, 1 not connected, 2 tamper. */
  | { type: 'rstatr'; readers: number[] };

export function encodeFlags(flags: boolean[]): Uint8Array {
  return Uint8Array.from(flags.map((f) => (f ? 1 : 0)));
}

function decodeFlags(name: string, data: Uint8Array): boolean[] {
  const flags: boolean[] = [];
  for (const b of data) {
    if (b > 1) throw badValue(name, `status byte 0x${b.toString(16)} is neither 0 nor 1`);
    flags.push(b === 1);
  }
  return flags;
}

export function decodeLstatr(data: Uint8Array): StatusReply {
  expectLength('lstatr', data, 2);
  const [tamper, power] = decodeFlags('lstatr', data);
  return { type: 'lstatr', tamper: tamper === true, powerFailure: power === true };
}

export function encodeLstatr(r: { tamper: boolean; powerFailure: boolean }): Uint8Array {
  return encodeFlags([r.tamper, r.powerFailure]);
}

export function decodeIstatr(data: Uint8Array): StatusReply {
  return { type: 'istatr', inputs: decodeFlags('istatr', data) };
}

export function decodeOstatr(data: Uint8Array): StatusReply {
  return { type: 'ostatr', outputs: decodeFlags('ostatr', data) };
}

export const ReaderTamper = { NORMAL: 0, NOT_CONNECTED: 1, TAMPER: 2 } as const;

export function decodeRstatr(data: Uint8Array): StatusReply {
  const readers = [...data];
  const bad = readers.find((b) => b > ReaderTamper.TAMPER);
  if (bad !== undefined) throw badValue('rstatr', `reader status 0x${bad.toString(16)} undefined`);
  return { type: 'rstatr', readers };
}
