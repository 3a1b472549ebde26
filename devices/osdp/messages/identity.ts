/** osdp_ID / osdp_PDID and osdp_CAP / osdp_PDCAP, SIA OSDP v2.2 sections 6.2, 6.3, 7.4, 7.5. */
import { badValue, expectLength, u32le } from './bytes.js';

export type IdentityCommand = { type: 'id' } | { type: 'cap' };

export interface PdIdentity {
  /** IEEE OUI, 3 bytes, as a number (first byte least significant). */
  vendorCode: number;
  model: number;
  version: number;
  serialNumber: number;
  firmware: { major: number; minor: number; build: number };
}

export interface Capability {
  /** Function code, section 7.5 table (1 contact status, 2 outputs, 3 card format, 4 LED, ...). */
  code: number;
  compliance: number;
  count: number;
}

export type IdentityReply = ({ type: 'pdid' } & PdIdentity) | { type: 'pdcap'; capabilities: Capability[] };

/** Both commands carry one "reply type" byte that must be 0x00 (standard reply). */
export function encodeIdentityRequest(): Uint8Array {
  return Uint8Array.of(0x00);
}

export function decodeIdentityRequest(name: 'id' | 'cap', data: Uint8Array): IdentityCommand {
  expectLength(name, data, 1);
  if (data[0] !== 0x00) throw badValue(name, 'only the standard reply (0x00) is defined');
  return { type: name };
}

export function encodePdid(id: PdIdentity): Uint8Array {
  const d = new Uint8Array(12);
  d[0] = id.vendorCode & 0xff;
  d[1] = (id.vendorCode >> 8) & 0xff;
  d[2] = (id.vendorCode >> 16) & 0xff;
  d[3] = id.model & 0xff;
  d[4] = id.version & 0xff;
  new DataView(d.buffer).setUint32(5, id.serialNumber >>> 0, true);
  d[9] = id.firmware.major & 0xff;
  d[10] = id.firmware.minor & 0xff;
  d[11] = id.firmware.build & 0xff;
  return d;
}

export function decodePdid(data: Uint8Array): IdentityReply {
  expectLength('pdid', data, 12);
  return {
    type: 'pdid',
    vendorCode: (data[0] as number) | ((data[1] as number) << 8) | ((data[2] as number) << 16),
    model: data[3] as number,
    version: data[4] as number,
    serialNumber: u32le(data, 5),
    firmware: { major: data[9] as number, minor: data[10] as number, build: data[11] as number },
  };
}

export function encodePdcap(capabilities: Capability[]): Uint8Array {
  const d = new Uint8Array(capabilities.length * 3);
  capabilities.forEach((c, i) => d.set([c.code & 0xff, c.compliance & 0xff, c.count & 0xff], i * 3));
  return d;
}

export function decodePdcap(data: Uint8Array): IdentityReply {
  if (data.length % 3 !== 0) throw badValue('pdcap', 'data must be 3-byte records');
  const capabilities: Capability[] = [];
  for (let i = 0; i < data.length; i += 3) {
    capabilities.push({ code: data[i] as number, compliance: data[i + 1] as number, count: data[i + 2] as number });
  }
  return { type: 'pdcap', capabilities };
}

/** The PD's client UID for the secure channel (Annex D.3: vendor, model, version, serial). */
export function clientUidOf(id: PdIdentity): Uint8Array {
  const pdid = encodePdid(id);
  return Uint8Array.of(pdid[0] as number, pdid[1] as number, pdid[3] as number, pdid[4] as number, ...pdid.subarray(5, 9));
}
