import { afterEach, describe, expect, it } from 'vitest';
import {
  SCBK_DEFAULT, clientCryptogram, computeMac, decryptData, deriveScbk, deriveSessionKeys, encryptData, initialRmac, serverCryptogram,
} from '../../devices/osdp/secure-channel.js';
import { ScSession } from '../../devices/osdp/sc-session.js';
import { decodeFrame, encodeFrame } from '../../devices/osdp/frame.js';
import { clientUidOf, unlockPulse, encodeCommand } from '../../devices/osdp/messages/index.js';
import { ofType, startHarness, type Harness } from './harness.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('secure channel cryptography: SIA OSDP v2.2 Annex E vectors', () => {
  const rndA = hex('B0B1B2B3B4B5B6B7');
  const rndB = hex('A0A1A2A3A4A5A6A7');
  const keys = deriveSessionKeys(SCBK_DEFAULT, rndA);

  it('derives S-ENC, S-MAC1 and S-MAC2 from SCBK-D and RND.A', () => {
    expect(toHex(keys.enc)).toBe('BF8DC2A8329ACB8C67C6D0CD9A451682');
    expect(toHex(keys.mac1)).toBe('5E86C676603BDEE2D8BEAFE178637332');
    expect(toHex(keys.mac2)).toBe('6FDA86E857777E8113203575823917 2E'.replace(' ', ''));
  });

  it('computes the client and server cryptograms and the initial R-MAC', () => {
    expect(toHex(clientCryptogram(keys, rndA, rndB))).toBe('FDE5D2F428EC16312471EA3C02BD7796');
    const server = serverCryptogram(keys, rndA, rndB);
    expect(toHex(server)).toBe('26D3356E07762D262801FC8E6665A891');
    expect(toHex(initialRmac(keys, server))).toBe('B2A30057EB98BA2229EC1F875662B524');
  });

  it('derives a per-PD SCBK from a master key and the cUID (and it differs per PD)', () => {
    const mk = hex('000102030405060708090a0b0c0d0e0f');
    const a = deriveScbk(mk, hex('0102030405060708'));
    const b = deriveScbk(mk, hex('0102030405060709'));
    expect(a).toHaveLength(16);
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it('pads data with 0x80 0x00.. and round trips it; a wrong IV breaks the padding or the data', () => {
    const iv = hex('00112233445566778899aabbccddeeff');
    for (const len of [0, 1, 15, 16, 17, 40]) {
      const data = Uint8Array.from({ length: len }, (_, i) => i);
      const enc = encryptData(keys, iv, data);
      expect(enc.length % 16).toBe(0);
      expect(enc.length).toBeGreaterThan(len);
      expect(decryptData(keys, iv, enc)).toEqual(data);
    }
  });

  it('MACs chain: the same message under another IV gets another MAC', () => {
    const msg = hex('53 01 10 00 0C 02 15 60');
    expect(toHex(computeMac(keys, new Uint8Array(16), msg))).not.toBe(toHex(computeMac(keys, keys.enc, msg)));
  });
});

describe('secure channel session: sealing and opening frames', () => {
  const keys = deriveSessionKeys(hex('00112233445566778899aabbccddeeff'), hex('0102030405060708'));
  const rmacI = initialRmac(keys, serverCryptogram(keys, hex('0102030405060708'), hex('1112131415161718')));

  function sealCommand(cp: ScSession, sequence: number): Uint8Array {
    const { code, data } = encodeCommand(unlockPulse(0, 5));
    const sealed = cp.seal(data);
    return encodeFrame({ address: 1, reply: false, sequence, useCrc: true, code, data: sealed.data, securityBlock: sealed.securityBlock }, { macFor: sealed.macFor });
  }

  it('a PD opens what the CP sealed (encrypted data, MAC), in order', () => {
    const cp = new ScSession(keys, rmacI, 'cp');
    const pd = new ScSession(keys, rmacI, 'pd');
    const wire = sealCommand(cp, 1);
    const frame = decodeFrame(wire);
    expect(frame.securityBlock?.type).toBe(0x17);
    expect(Buffer.from(wire).includes(Buffer.from([0, 5, 50, 0]))).toBe(false);
    expect([...pd.open(frame)]).toEqual([0, 1, 0, 0, 0, 5, 50, 0]);
    // the PD's reply chains on the command's MAC
    const reply = pd.seal(new Uint8Array(0));
    const replyWire = encodeFrame({ address: 1, reply: true, sequence: 1, useCrc: true, code: 0x40, data: reply.data, securityBlock: reply.securityBlock }, { macFor: reply.macFor });
    expect(cp.open(decodeFrame(replyWire))).toHaveLength(0);
  });

  it('refuses a tampered data byte, a replayed message and a plain message', () => {
    const cp = new ScSession(keys, rmacI, 'cp');
    const pd = new ScSession(keys, rmacI, 'pd');
    const wire = sealCommand(cp, 1);
    const original = decodeFrame(wire);
    // Flip one encrypted data byte and recompute the CRC, so that only the MAC can catch it.
    const tampered = decodeFrame(encodeFrame({ ...original, data: original.data.map((b, i) => (i === 0 ? b ^ 1 : b)) }));
    expect(() => pd.open(tampered)).toThrowError(expect.objectContaining({ code: 'OSDP_SC_BAD_MAC' }));
    pd.open(original);
    const reply = pd.seal(new Uint8Array(0));
    encodeFrame({ address: 1, reply: true, sequence: 1, useCrc: true, code: 0x40, data: reply.data, securityBlock: reply.securityBlock }, { macFor: reply.macFor });
    // Once the PD has answered, the old command no longer fits the MAC chain.
    expect(() => pd.open(decodeFrame(wire))).toThrowError(expect.objectContaining({ code: 'OSDP_SC_BAD_MAC' }));
    const plain = decodeFrame(encodeFrame({ address: 1, reply: false, sequence: 2, useCrc: true, code: 0x60, data: new Uint8Array(0) }));
    expect(() => pd.open(plain)).toThrowError(expect.objectContaining({ code: 'OSDP_SC_NOT_ESTABLISHED' }));
  });
});

describe('secure channel between the CP engine and simulated PDs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.bus.stop();
    h = undefined;
  });
  const scbk = hex('A1A2A3A4A5A6A7A8A9AAABACADAEAFB0');

  it('required mode: goes secure, then card reads and OUT travel under MAC and encryption', async () => {
    h = await startHarness([{ address: 1, secure: { mode: 'required', scbk } }], [{ address: 1, secure: { scbk } }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    expect(ofType(h.events, 'pd-online')[0]!.secure).toBe(true);
    expect(h.sim.pd(1).secureChannelActive).toBe(true);
    h.sim.pd(1).presentCard('h10301', 7, 77);
    h.bus.enqueue(1, { command: unlockPulse(0, 2) });
    await h.run(300);
    expect(ofType(h.events, 'card')).toHaveLength(1);
    expect(h.sim.pd(1).outputs[0]).toBe(true);
    expect(h.bus.link(1)!.stats.rejectedReplies).toBe(0);
  });

  it('required mode refuses a PD with another key and never reports its cards', async () => {
    h = await startHarness([{ address: 1, secure: { mode: 'required', scbk } }], [{ address: 1, secure: { scbk: SCBK_DEFAULT.map((b) => b ^ 0x55) } }]);
    h.sim.pd(1).presentCard('h10301', 7, 77);
    await h.until(() => ofType(h!.events, 'pd-offline').length === 1);
    expect(ofType(h.events, 'pd-offline')[0]!.reason).toMatch(/secure channel refused/);
    await h.run(3000);
    expect(ofType(h.events, 'pd-online')).toHaveLength(0);
    expect(ofType(h.events, 'card')).toHaveLength(0);
  });

  it('required mode refuses a PD that does not support the secure channel', async () => {
    h = await startHarness([{ address: 1, secure: { mode: 'required', scbk } }], [{ address: 1, secure: { supported: false } }]);
    await h.until(() => ofType(h!.events, 'pd-offline').length === 1);
    await h.run(2000);
    expect(ofType(h.events, 'pd-online')).toHaveLength(0);
    expect(h.sim.pd(1).timesReceived('poll')).toBe(0);
  });

  it('derives each PD key from a master key and the PD cUID', async () => {
    const masterKey = hex('0F0E0D0C0B0A09080706050403020100');
    const identity = { vendorCode: 0xabcdef, model: 2, version: 3, serialNumber: 0x12345678, firmware: { major: 1, minor: 0, build: 0 } };
    const pdKey = deriveScbk(masterKey, clientUidOf(identity));
    h = await startHarness([{ address: 4, secure: { mode: 'required', masterKey } }], [{ address: 4, identity, secure: { scbk: pdKey } }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    expect(ofType(h.events, 'pd-online')[0]!.secure).toBe(true);
  });

  it('install mode: uses SCBK-D once, installs the configured SCBK with KEYSET, then runs on it', async () => {
    const simSecure = { installMode: true };
    h = await startHarness([{ address: 1, secure: { mode: 'install', scbk } }], [{ address: 1, secure: simSecure }]);
    await h.until(() => ofType(h!.events, 'pd-online').length === 1);
    expect(h.sim.pd(1).timesReceived('keyset')).toBe(1);
    expect(ofType(h.events, 'pd-online')[0]!.secure).toBe(true);
    // the PD left install mode and now only accepts the new key
    const chlngs = h.sim.pd(1).timesReceived('chlng');
    expect(chlngs).toBe(3); // SCBK (refused by a PD without one), SCBK-D, then the installed SCBK
  });

  it('a PD in install mode is not used with SCBK-D unless the CP is in install mode', async () => {
    h = await startHarness([{ address: 1, secure: { mode: 'required', scbk } }], [{ address: 1, secure: { installMode: true } }]);
    await h.until(() => ofType(h!.events, 'pd-offline').length === 1);
    expect(h.sim.pd(1).timesReceived('keyset')).toBe(0);
    expect(ofType(h.events, 'pd-online')).toHaveLength(0);
  });
});
