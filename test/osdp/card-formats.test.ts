import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeCard, encodeCard, type CardFormatName } from '../../devices/osdp/card-formats.js';

describe('Wiegand card formats', () => {
  it('decodes a hand-built H10301 (FC 1, card 1: bits 1 00000001 0000000000000001 0)', () => {
    expect(decodeCard(26, Uint8Array.of(0x80, 0x80, 0x00, 0x80))).toEqual({ format: 'h10301', id: 'h10301:1:1', facility: 1, card: 1 });
  });

  it('refuses an H10301 read with a flipped parity bit or data bit', () => {
    for (const bad of [Uint8Array.of(0x00, 0x80, 0x00, 0x80), Uint8Array.of(0x80, 0x80, 0x00, 0xc0), Uint8Array.of(0x80, 0xc0, 0x00, 0x80)]) {
      expect(() => decodeCard(26, bad)).toThrowError(expect.objectContaining({ code: 'OSDP_CARD_BAD_PARITY' }));
    }
  });

  const ranges: Record<CardFormatName, [number, number]> = {
    h10301: [0xff, 0xffff],
    h10306: [0xffff, 0xffff],
    c1k35: [0xfff, 0xfffff],
    h10304: [0xffff, 0x7ffff],
  };

  it.each(Object.entries(ranges))('%s round trips and detects any single-bit error', (name, [maxFc, maxCn]) => {
    const format = name as CardFormatName;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: maxFc }), fc.integer({ min: 0, max: maxCn }), fc.nat(), (facility, card, flip) => {
        const { bitCount, bits } = encodeCard(format, facility, card);
        expect(decodeCard(bitCount, bits)).toEqual({ format, id: `${format}:${facility}:${card}`, facility, card });
        const bit = flip % bitCount;
        const damaged = bits.slice();
        damaged[bit >> 3] = (damaged[bit >> 3] as number) ^ (0x80 >> (bit & 7));
        expect(() => decodeCard(bitCount, damaged)).toThrowError(expect.objectContaining({ code: 'OSDP_CARD_BAD_PARITY' }));
      }),
      { numRuns: 300 },
    );
  });

  it('matches the published Corporate 1000 layout: company 12 bits from bit 2, card 20 bits from bit 14', () => {
    const { bits } = encodeCard('c1k35', 0xabc, 0x12345);
    let s = '';
    for (let i = 0; i < 35; i++) s += ((bits[i >> 3] as number) >> (7 - (i & 7))) & 1;
    expect(parseInt(s.slice(2, 14), 2)).toBe(0xabc);
    expect(parseInt(s.slice(14, 34), 2)).toBe(0x12345);
  });

  it('reports other lengths raw', () => {
    expect(decodeCard(40, Uint8Array.of(1, 2, 3, 4, 5))).toEqual({ format: 'raw', id: 'raw:40:0102030405' });
    expect(decodeCard(12, Uint8Array.of(0xab, 0xc0))).toEqual({ format: 'raw', id: 'raw:12:abc0' });
  });
});
