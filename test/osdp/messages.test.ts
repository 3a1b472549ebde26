import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeCommand, decodeReply, encodeCommand, encodeReply, unlockPulse, Cmd, ReplyCode, type Command, type Reply,
} from '../../devices/osdp/messages/index.js';
import { decodeFrame, encodeFrame } from '../../devices/osdp/frame.js';

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed) & 0xff);

const commands: Command[] = [
  { type: 'poll' },
  { type: 'id' },
  { type: 'cap' },
  { type: 'lstat' },
  { type: 'istat' },
  { type: 'ostat' },
  { type: 'rstat' },
  { type: 'out', outputs: [{ output: 0, control: 1, timer: 0 }, { output: 0, control: 5, timer: 50 }] },
  {
    type: 'led',
    leds: [{
      reader: 0, led: 0,
      temporary: { control: 2, onTime: 5, offTime: 5, onColor: 2, offColor: 0, timer: 30 },
      permanent: { control: 1, onTime: 1, offTime: 0, onColor: 1, offColor: 0 },
    }],
  },
  { type: 'buz', reader: 0, tone: 2, onTime: 2, offTime: 1, count: 3 },
  { type: 'text', reader: 0, command: 3, tempSeconds: 5, row: 1, column: 1, text: 'Welcome' },
  { type: 'comset', address: 5, baudRate: 115200 },
  { type: 'keyset', keyType: 1, key: bytes(16) },
  { type: 'chlng', rndA: bytes(8) },
  { type: 'scrypt', cryptogram: bytes(16, 3) },
];

const replies: Reply[] = [
  { type: 'ack' },
  { type: 'nak', reason: 4, detail: new Uint8Array(0) },
  { type: 'nak', reason: 6, detail: Uint8Array.of(0x11) },
  { type: 'busy' },
  { type: 'rstatr', readers: [0, 1, 2] },
  { type: 'pdid', vendorCode: 0x0a0b0c, model: 3, version: 1, serialNumber: 0xdeadbeef, firmware: { major: 2, minor: 1, build: 9 } },
  { type: 'pdcap', capabilities: [{ code: 1, compliance: 1, count: 2 }, { code: 9, compliance: 1, count: 1 }] },
  { type: 'lstatr', tamper: true, powerFailure: false },
  { type: 'istatr', inputs: [true, false, true] },
  { type: 'ostatr', outputs: [false, true] },
  { type: 'raw', reader: 0, format: 1, bitCount: 26, bits: Uint8Array.of(0x80, 0x80, 0x00, 0x80) },
  { type: 'keypad', reader: 0, digits: '1234#' },
  { type: 'com', address: 9, baudRate: 9600 },
  { type: 'ccrypt', clientUid: bytes(8), rndB: bytes(8, 2), cryptogram: bytes(16, 4) },
  { type: 'rmac_i', rmac: bytes(16, 5) },
];

describe('OSDP messages round trip', () => {
  it.each(commands.map((c) => [c.type, c] as const))('command %s', (_name, cmd) => {
    const { code, data } = encodeCommand(cmd);
    expect(decodeCommand(code, data)).toEqual(cmd);
    // and through a full frame, both check modes
    for (const useCrc of [true, false]) {
      const frame = decodeFrame(encodeFrame({ address: 3, reply: false, sequence: 2, useCrc, code, data }));
      expect(decodeCommand(frame.code, frame.data)).toEqual(cmd);
    }
  });

  it.each(replies.map((r) => [r.type, r] as const))('reply %s', (_name, reply) => {
    const { code, data } = encodeReply(reply);
    expect(decodeReply(code, data)).toEqual(reply);
    const frame = decodeFrame(encodeFrame({ address: 3, reply: true, sequence: 1, useCrc: true, code, data }, { mark: true }).subarray(1));
    expect(frame.reply).toBe(true);
    expect(decodeReply(frame.code, frame.data)).toEqual(reply);
  });

  it('encodes the unlock pulse as permanent OFF then a timed ON in 100 ms units (section 6.7)', () => {
    const { code, data } = encodeCommand(unlockPulse(2, 5));
    expect(code).toBe(Cmd.OUT);
    expect([...data]).toEqual([2, 1, 0, 0, 2, 5, 50, 0]);
  });

  it('decodes keypad digits sent as the spec codes (* = 0x7F, # = 0x0D) and as ASCII', () => {
    expect(decodeReply(ReplyCode.KEYPAD, Uint8Array.of(0, 3, 0x31, 0x7f, 0x0d))).toEqual({ type: 'keypad', reader: 0, digits: '1*#' });
    expect(decodeReply(ReplyCode.KEYPAD, Uint8Array.of(0, 2, 0x2a, 0x23))).toEqual({ type: 'keypad', reader: 0, digits: '*#' });
    expect(decodeReply(ReplyCode.KEYPAD, Uint8Array.of(0, 2, 0x41, 0x48))).toEqual({ type: 'keypad', reader: 0, digits: 'AH' });
    expect(() => decodeReply(ReplyCode.KEYPAD, Uint8Array.of(0, 1, 0x49))).toThrowError(expect.objectContaining({ code: 'OSDP_MESSAGE_BAD_VALUE' }));
  });

  it('rejects wrong lengths and unknown codes with coded errors', () => {
    expect(() => decodeReply(ReplyCode.PDID, bytes(11))).toThrowError(expect.objectContaining({ code: 'OSDP_MESSAGE_BAD_LENGTH' }));
    expect(() => decodeReply(ReplyCode.RAW, Uint8Array.of(0, 1, 26, 0, 1))).toThrowError(expect.objectContaining({ code: 'OSDP_MESSAGE_BAD_LENGTH' }));
    expect(() => decodeCommand(0x99, new Uint8Array(0))).toThrowError(expect.objectContaining({ code: 'OSDP_MESSAGE_UNKNOWN_CODE' }));
    expect(() => decodeCommand(Cmd.OUT, Uint8Array.of(0, 9, 0, 0))).toThrowError(expect.objectContaining({ code: 'OSDP_MESSAGE_BAD_VALUE' }));
  });

  it('decoders throw only OsdpError on arbitrary data (fuzz)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), (code, data) => {
        for (const decode of [decodeCommand, decodeReply]) {
          try {
            decode(code, data);
          } catch (e) {
            expect((e as { name?: string }).name).toBe('OsdpError');
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});
