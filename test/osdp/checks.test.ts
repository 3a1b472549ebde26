import { describe, expect, it } from 'vitest';
import { checksum8, crc16 } from '../../devices/osdp/checks.js';
import { decodeFrame, encodeFrame } from '../../devices/osdp/frame.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('OSDP check characters (SIA OSDP v2.2 Annex E)', () => {
  it('CRC-16 of the Annex E osdp_ID packet is 0x66C0, sent C0 66', () => {
    const crc = crc16(hex('53 00 09 00 04 61 00'));
    expect(crc).toBe(0x66c0);
  });

  it('CRC-16 of the Annex E broadcast osdp_COMSET packet is sent 6E 38', () => {
    expect(crc16(hex('53 7F 0D 00 04 6E 00 80 25 00 00'))).toBe(0x386e);
  });

  it('checksum of the Annex E broadcast osdp_COMSET packet is 0x0F', () => {
    expect(checksum8(hex('53 7F 0C 00 00 6E 00 80 25 00 00'))).toBe(0x0f);
  });

  it('checksum of the Annex E osdp_ID packet is 0x44', () => {
    expect(checksum8(hex('53 00 08 00 00 61 00'))).toBe(0x44);
  });

  it('CRC-16/AUG-CCITT check value over "123456789" is 0xE5CC', () => {
    expect(crc16(Buffer.from('123456789', 'ascii'))).toBe(0xe5cc);
  });

  it('the encoder reproduces both Annex E packets byte for byte', () => {
    const id = { address: 0, reply: false, sequence: 0, code: 0x61, data: Uint8Array.of(0) };
    expect(Buffer.from(encodeFrame({ ...id, useCrc: true })).toString('hex')).toBe('53000900046100c066');
    expect(Buffer.from(encodeFrame({ ...id, useCrc: false })).toString('hex')).toBe('530008000061 0044'.replace(' ', ''));
  });

  it('the decoder accepts the Annex E packets and rejects a flipped bit', () => {
    expect(decodeFrame(hex('53000900046100c066')).code).toBe(0x61);
    expect(decodeFrame(hex('53000800006100 44'.replace(' ', ''))).useCrc).toBe(false);
    expect(() => decodeFrame(hex('53000900046101c066'))).toThrowError(expect.objectContaining({ code: 'OSDP_FRAME_BAD_CHECK' }));
  });
});
