/**
 * The simulated PD driven by frames that other control panels put on the wire (libosdp,
 * OSDP.Net, SIA Annex E), and the secure channel handshake replayed with the published
 * Annex E random numbers through our CP and PD halves. A CP written by others must be
 * able to drive the simulator, and ours must agree with theirs byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { CpHandshake, KEY_SCBK_D } from '../../devices/osdp/cp-secure.js';
import { FrameParser } from '../../devices/osdp/frame-parser.js';
import { decodeFrame, encodeFrame, type DecodedFrame, type SecurityBlock } from '../../devices/osdp/frame.js';
import { decodeCommand, decodeReply, encodeCommand, encodeReply, type Command } from '../../devices/osdp/messages/index.js';
import { createMemoryPortPair } from '../../devices/osdp/port.js';
import { SimulatedOsdpBus } from '../../simulators/osdp/sim-bus.js';
import { SimPdSecure } from '../../simulators/osdp/sim-secure.js';
import { flush } from './harness.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/[\s-]+/g, ''), 'hex'));
const show = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

type SimPd = ConstructorParameters<typeof SimulatedOsdpBus>[2][number];

async function simOnWire(addresses: number[], secure?: SimPd['secure']) {
  return simOnWireWith(addresses.map((address) => ({ address, ...(secure ? { secure } : {}) })));
}

/** A simulated bus on one end of an in-memory pair; `send` writes raw bytes and returns the reply frames. */
async function simOnWireWith(pds: SimPd[]) {
  const clock = new ManualClock(1_700_000_000_000);
  const sim = new SimulatedOsdpBus('interop', clock, pds);
  const [cp, pd] = createMemoryPortPair();
  sim.attach(pd);
  const replies: DecodedFrame[] = [];
  const parser = new FrameParser({ onFrame: (f) => replies.push(f) });
  cp.on('data', (chunk) => parser.push(chunk));
  const send = async (bytes: Uint8Array): Promise<DecodedFrame[]> => {
    const before = replies.length;
    cp.write(bytes);
    for (let i = 0; i < 4; i++) await flush();
    return replies.slice(before);
  };
  return { sim, send };
}

const frame = (address: number, sequence: number, command: Command, useCrc = true) => {
  const { code, data } = encodeCommand(command);
  return encodeFrame({ address, reply: false, sequence, useCrc, code, data }, { mark: true });
};

describe('the simulated PD answers frames built by other control panels', () => {
  it('answers libosdp\'s POLL and ID to address 101 (goToMain/libosdp tests/unit-tests/test-cp-phy.c)', async () => {
    const { send } = await simOnWire([101]);
    const [ack] = await send(hex('ff 53 65 08 00 04 60 60 90'));
    expect(ack).toMatchObject({ address: 101, reply: true, sequence: 0, useCrc: true });
    expect(decodeReply(ack!.code, ack!.data)).toEqual({ type: 'ack' });
    const [pdid] = await send(hex('ff 53 65 09 00 04 61 00 d9 7a'));
    expect(decodeReply(pdid!.code, pdid!.data)).toMatchObject({ type: 'pdid', serialNumber: 0x1000 + 101 });
  });

  it('carries out OSDP.Net\'s checksum-mode OUT and answers in checksum mode (Z-bit-Systems-LLC/OSDP.Net CommandOutgoingMessageTest.cs)', async () => {
    const { sim, send } = await simOnWire([0]);
    await send(frame(0, 0, { type: 'poll' }, false));
    await send(frame(0, 1, { type: 'poll' }, false));
    // output 0: permanent OFF allowing timed operation; output 1: temporary OFF for 12 s
    const [ack] = await send(hex('FF-53-00-0F-00-02-68-00-03-64-00-01-06-78-00-4E'));
    expect(ack).toMatchObject({ address: 0, sequence: 2, useCrc: false, code: 0x40 });
    expect(sim.pd(0).received.at(-1)).toEqual({ type: 'out', outputs: [{ output: 0, control: 3, timer: 100 }, { output: 1, control: 6, timer: 120 }] });
    const [ostatr] = await send(frame(0, 3, { type: 'ostat' }, false));
    expect(decodeReply(ostatr!.code, ostatr!.data)).toEqual({ type: 'ostatr', outputs: [false, false, false, false] });
  });

  it('answers the Annex E broadcast osdp_COMSET (address 0x7F) from the configuration address 0xFF when alone on the bus', async () => {
    const { send } = await simOnWire([5]);
    const [com] = await send(hex('53 7F 0D 00 04 6E 00 80 25 00 00 6E 38'));
    expect(com).toMatchObject({ address: 0x7f, reply: true, sequence: 0 });
    expect(decodeReply(com!.code, com!.data)).toEqual({ type: 'com', address: 0, baudRate: 9600 });
    const shared = await simOnWire([5, 6]);
    expect(await shared.send(hex('53 7F 0D 00 04 6E 00 80 25 00 00 6E 38'))).toHaveLength(0);
  });

  it('takes the address set by osdp_COMSET after its osdp_COM reply (section 6.13)', async () => {
    const { sim, send } = await simOnWire([5]);
    await send(frame(5, 0, { type: 'poll' }));
    const [com] = await send(frame(5, 1, { type: 'comset', address: 9, baudRate: 9600 }));
    expect(com).toMatchObject({ address: 5, reply: true });
    expect(decodeReply(com!.code, com!.data)).toEqual({ type: 'com', address: 9, baudRate: 9600 });
    expect(await send(frame(5, 2, { type: 'poll' }))).toHaveLength(0);
    const [ack] = await send(frame(9, 0, { type: 'poll' }));
    expect(ack).toMatchObject({ address: 9, reply: true, code: 0x40 });
    expect(sim.pd(9).address).toBe(9);
  });

  it('answers CRC-16 commands with a checksum-mode NAK 0x01 when it checks only the checksum, and checksum commands normally', async () => {
    const old = await simOnWireWith([{ address: 2, checksumOnly: true }]);
    const [nak] = await old.send(frame(2, 0, { type: 'poll' }));
    expect(nak).toMatchObject({ useCrc: false });
    expect(decodeReply(nak!.code, nak!.data)).toMatchObject({ type: 'nak', reason: 0x01 });
    const [ack] = await old.send(frame(2, 0, { type: 'poll' }, false));
    expect(ack).toMatchObject({ useCrc: false, code: 0x40 });
  });

  it('resends its last reply for a repeated SQN with the same command, even if the frame was rebuilt (section 5.7, as libosdp\'s PD)', async () => {
    const { sim, send } = await simOnWire([1]);
    await send(frame(1, 0, { type: 'poll' }));
    sim.pd(1).presentCard('h10301', 1, 2);
    const [first] = await send(frame(1, 1, { type: 'poll' }));
    expect(first!.code).toBe(0x50);
    // the CP's retry, rebuilt in checksum mode: the PD must not lose the card read
    const [again] = await send(frame(1, 1, { type: 'poll' }, false));
    expect(show(again!.raw)).toBe(show(first!.raw));
    const [nak] = await send(frame(1, 1, { type: 'id' }));
    expect(decodeReply(nak!.code, nak!.data)).toMatchObject({ type: 'nak', reason: 0x04 });
  });

  it('refuses SCBK-D (key selector 0x00) with NAK 0x06 unless it is in install mode', async () => {
    const scbk = hex('000102030405060708090a0b0c0d0e0f');
    const chlng = (address: number) => encodeFrame({
      address, reply: false, sequence: 1, useCrc: true, code: 0x76, data: hex('B0B1B2B3B4B5B6B7'), securityBlock: { type: 0x11, data: Uint8Array.of(0x00) },
    }, { mark: true });
    const normal = await simOnWire([1], { scbk });
    await normal.send(frame(1, 0, { type: 'poll' }));
    const [nak] = await normal.send(chlng(1));
    expect(decodeReply(nak!.code, nak!.data)).toMatchObject({ type: 'nak', reason: 0x06 });
    const install = await simOnWire([1], { scbk, installMode: true });
    await install.send(frame(1, 0, { type: 'poll' }));
    const [ccrypt] = await install.send(chlng(1));
    expect(ccrypt).toMatchObject({ code: 0x76, securityBlock: { type: 0x12 } });
  });
});

describe('secure channel handshake with the SIA OSDP Annex E values (as in goToMain/libosdp tests/unit-tests/test-sc-sia-vectors.c)', () => {
  // SCBK-D, RND.A (CP) = B0..B7, RND.B (PD) = A0..A7.
  const rndA = hex('B0B1B2B3B4B5B6B7');
  const rndB = hex('A0A1A2A3A4A5A6A7');

  function wire(address: number, reply: boolean, sequence: number, payload: { code: number; data: Uint8Array }, securityBlock: SecurityBlock): DecodedFrame {
    return decodeFrame(encodeFrame({ address, reply, sequence, useCrc: true, ...payload, securityBlock }));
  }

  it('our CP and our PD exchange CHLNG, CCRYPT, SCRYPT and RMAC_I carrying the published cryptograms, then a MACed POLL', () => {
    const cp = new CpHandshake({ mode: 'install', scbk: hex('000102030405060708090a0b0c0d0e0f') }, KEY_SCBK_D, rndA);
    const pd = new SimPdSecure({ installMode: true, fixedRndB: rndB }, hex('0102030405060708'));

    const challenge = cp.challenge();
    const chlng = wire(1, false, 1, encodeCommand(challenge.command), challenge.securityBlock);
    expect(show(chlng.raw.subarray(5, 8))).toBe('031100'); // SCB: length 3, SCS_11, key selector SCBK-D
    expect(show(chlng.data)).toBe('B0B1B2B3B4B5B6B7');

    const received = decodeCommand(chlng.code, chlng.data);
    if (received.type !== 'chlng') throw new Error('not a challenge');
    const step2 = pd.onChallenge(received.rndA, chlng.securityBlock);
    if ('nak' in step2) throw new Error('PD refused the challenge');
    const ccrypt = wire(1, true, 1, encodeReply(step2.reply), step2.securityBlock!);
    expect(show(ccrypt.data)).toBe('0102030405060708' + 'A0A1A2A3A4A5A6A7' + 'FDE5D2F428EC16312471EA3C02BD7796');

    const scryptStep = cp.onClientCryptogram(decodeReply(ccrypt.code, ccrypt.data), ccrypt.securityBlock);
    const scrypt = wire(1, false, 2, encodeCommand(scryptStep.command), scryptStep.securityBlock);
    expect(show(scrypt.data)).toBe('26D3356E07762D262801FC8E6665A891');

    const step4 = pd.onServerCryptogram(hex(show(scrypt.data)));
    if ('nak' in step4) throw new Error('PD refused the server cryptogram');
    const rmacI = wire(1, true, 2, encodeReply(step4.reply), step4.securityBlock!);
    expect(show(rmacI.data)).toBe('B2A30057EB98BA2229EC1F875662B524');
    expect(show(rmacI.securityBlock!.data)).toBe('01');

    const session = cp.onInitialRmac(decodeReply(rmacI.code, rmacI.data), rmacI.securityBlock);
    const sealed = session.seal(new Uint8Array(0));
    const poll = decodeFrame(encodeFrame({ address: 1, reply: false, sequence: 3, useCrc: true, code: 0x60, data: sealed.data, securityBlock: sealed.securityBlock }, { macFor: sealed.macFor }));
    expect(pd.open(poll)).toHaveLength(0);
  });
});
