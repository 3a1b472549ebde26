/** osdp_COMSET (section 6.13) and its reply osdp_COM (7.13): new address + baud rate (u32 LE). */
import { byteRange, expectLength, u32le } from './bytes.js';

export interface ComSettings {
  address: number;
  baudRate: number;
}

export type ComsetCommand = { type: 'comset' } & ComSettings;
export type ComReply = { type: 'com' } & ComSettings;

export function encodeComSettings(c: ComSettings): Uint8Array {
  const d = new Uint8Array(5);
  d[0] = byteRange('comset address', c.address, 0x7e);
  new DataView(d.buffer).setUint32(1, byteRange('comset baud', c.baudRate, 0xffffffff), true);
  return d;
}

export function decodeComSettings(name: string, data: Uint8Array): ComSettings {
  expectLength(name, data, 5);
  return { address: data[0] as number, baudRate: u32le(data, 1) };
}
