/**
 * OSDP secure channel cryptography, SIA OSDP v2.2 Annex D (behaviour cross-checked with
 * libosdp src/osdp_sc.c). AES-128 throughout:
 * - session keys: S-ENC/S-MAC1/S-MAC2 = AES-ECB(SCBK, 01 82|01 01|01 02, RND.A[0..5], 0...) (D.2)
 * - client cryptogram (PD, osdp_CCRYPT) = AES-ECB(S-ENC, RND.A || RND.B)
 * - server cryptogram (CP, osdp_SCRYPT) = AES-ECB(S-ENC, RND.B || RND.A)
 * - initial R-MAC (osdp_RMAC_I) = AES-ECB(S-MAC2, AES-ECB(S-MAC1, server cryptogram))
 * - MAC (D.4): CBC over the packet from SOM up to the MAC, padded with 0x80 0x00.. when not
 *   block aligned, all blocks but the last with S-MAC1, the last with S-MAC2; the IV is the
 *   previous MAC of the other direction. 4 bytes are sent; all 16 chain on.
 * - data (D.5): 0x80 0x00.. padded, AES-CBC with S-ENC, IV = ones' complement of the
 *   previous MAC of the other direction.
 * - SCBK from a master key: AES-ECB(MK, cUID || ~cUID) (libosdp osdp_compute_scbk).
 */
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { OsdpError, OsdpErrorCodes } from './errors.js';

/** SCBK-D, the well-known install-mode key (Annex D): never for production use. */
export const SCBK_DEFAULT: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => 0x30 + i);

export interface SessionKeys {
  enc: Uint8Array;
  mac1: Uint8Array;
  mac2: Uint8Array;
}

export function aesEcb(key: Uint8Array, block: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(block), c.final()]));
}

function aesCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array, encrypt: boolean): Uint8Array {
  const c = (encrypt ? createCipheriv : createDecipheriv)('aes-128-cbc', key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

function complement(bytes: Uint8Array): Uint8Array {
  return bytes.map((b) => ~b & 0xff);
}

export function randomBlock(bytes = 8): Uint8Array {
  return new Uint8Array(randomBytes(bytes));
}

export function deriveScbk(masterKey: Uint8Array, clientUid: Uint8Array): Uint8Array {
  if (masterKey.length !== 16 || clientUid.length !== 8) {
    throw new OsdpError(OsdpErrorCodes.SC_NO_KEY, 'master key must be 16 bytes and cUID 8 bytes');
  }
  return aesEcb(masterKey, concat(clientUid, complement(clientUid)));
}

export function deriveSessionKeys(scbk: Uint8Array, rndA: Uint8Array): SessionKeys {
  const derive = (a: number, b: number) => {
    const block = new Uint8Array(16);
    block[0] = a;
    block[1] = b;
    block.set(rndA.subarray(0, 6), 2);
    return aesEcb(scbk, block);
  };
  return { enc: derive(0x01, 0x82), mac1: derive(0x01, 0x01), mac2: derive(0x01, 0x02) };
}

export function clientCryptogram(keys: SessionKeys, rndA: Uint8Array, rndB: Uint8Array): Uint8Array {
  return aesEcb(keys.enc, concat(rndA, rndB));
}

export function serverCryptogram(keys: SessionKeys, rndA: Uint8Array, rndB: Uint8Array): Uint8Array {
  return aesEcb(keys.enc, concat(rndB, rndA));
}

export function initialRmac(keys: SessionKeys, serverCrypt: Uint8Array): Uint8Array {
  return aesEcb(keys.mac2, aesEcb(keys.mac1, serverCrypt));
}

export function computeMac(keys: SessionKeys, iv: Uint8Array, message: Uint8Array): Uint8Array {
  const padLen = message.length % 16 === 0 && message.length > 0 ? message.length : (Math.floor(message.length / 16) + 1) * 16;
  const buf = new Uint8Array(padLen);
  buf.set(message);
  if (padLen !== message.length) buf[message.length] = 0x80;
  let chain = iv;
  if (padLen > 16) {
    const head = aesCbc(keys.mac1, iv, buf.subarray(0, padLen - 16), true);
    chain = head.subarray(head.length - 16);
  }
  return aesCbc(keys.mac2, chain, buf.subarray(padLen - 16), true);
}

export function encryptData(keys: SessionKeys, previousMac: Uint8Array, data: Uint8Array): Uint8Array {
  const padLen = (Math.floor(data.length / 16) + 1) * 16;
  const buf = new Uint8Array(padLen);
  buf.set(data);
  buf[data.length] = 0x80;
  return aesCbc(keys.enc, complement(previousMac), buf, true);
}

export function decryptData(keys: SessionKeys, previousMac: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new OsdpError(OsdpErrorCodes.SC_BAD_PADDING, 'encrypted data is not a whole number of blocks');
  }
  const plain = aesCbc(keys.enc, complement(previousMac), data, false);
  let end = plain.length - 1;
  while (end > 0 && plain[end] === 0) end--;
  if (plain[end] !== 0x80) throw new OsdpError(OsdpErrorCodes.SC_BAD_PADDING, 'bad end-of-message marker');
  return plain.slice(0, end);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
