/**
 * Secure channel handshake payloads, SIA OSDP v2.2 Annex D: osdp_CHLNG (RND.A, 8),
 * osdp_CCRYPT (cUID 8, RND.B 8, client cryptogram 16), osdp_SCRYPT (server cryptogram 16),
 * osdp_RMAC_I (initial R-MAC 16) and osdp_KEYSET (section 6.17: key type, length, key).
 * The key selector / status travels in the security block, not here.
 */
import { badValue, expectAtLeast, expectLength } from './bytes.js';

export type SecureCommand =
  | { type: 'chlng'; rndA: Uint8Array }
  | { type: 'scrypt'; cryptogram: Uint8Array }
  | { type: 'keyset'; keyType: number; key: Uint8Array };

export type SecureReply =
  | { type: 'ccrypt'; clientUid: Uint8Array; rndB: Uint8Array; cryptogram: Uint8Array }
  | { type: 'rmac_i'; rmac: Uint8Array };

export function decodeChlng(data: Uint8Array): SecureCommand {
  expectLength('chlng', data, 8);
  return { type: 'chlng', rndA: data.slice() };
}

export function decodeScrypt(data: Uint8Array): SecureCommand {
  expectLength('scrypt', data, 16);
  return { type: 'scrypt', cryptogram: data.slice() };
}

export function encodeKeyset(keyType: number, key: Uint8Array): Uint8Array {
  return Uint8Array.from([keyType, key.length, ...key]);
}

export function decodeKeyset(data: Uint8Array): SecureCommand {
  expectAtLeast('keyset', data, 2);
  expectLength('keyset', data, 2 + (data[1] as number));
  if (data[0] !== 0x01 || data[1] !== 16) throw badValue('keyset', 'only a 16-byte SCBK (type 0x01) is defined');
  return { type: 'keyset', keyType: 1, key: data.slice(2) };
}

export function encodeCcrypt(r: { clientUid: Uint8Array; rndB: Uint8Array; cryptogram: Uint8Array }): Uint8Array {
  return Uint8Array.from([...r.clientUid, ...r.rndB, ...r.cryptogram]);
}

export function decodeCcrypt(data: Uint8Array): SecureReply {
  expectLength('ccrypt', data, 32);
  return { type: 'ccrypt', clientUid: data.slice(0, 8), rndB: data.slice(8, 16), cryptogram: data.slice(16, 32) };
}

export function decodeRmacI(data: Uint8Array): SecureReply {
  expectLength('rmac_i', data, 16);
  return { type: 'rmac_i', rmac: data.slice() };
}
