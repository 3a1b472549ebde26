import { describe, expect, it } from 'vitest';
import { PinCollector } from '../../devices/osdp/pin-collector.js';

describe('PinCollector', () => {
  it('joins key batches per reader and ends a PIN at #', () => {
    const p = new PinCollector(10_000, 12);
    expect(p.push('a', '12', 0)).toEqual([]);
    expect(p.push('b', '9', 0)).toEqual([]);
    expect(p.push('a', '34#56#', 100)).toEqual(['1234', '56']);
    expect(p.push('b', '#', 200)).toEqual(['9']);
  });

  it('clears on *, ignores function keys and an empty #', () => {
    const p = new PinCollector();
    expect(p.push('a', '99*1A2#', 0)).toEqual(['12']);
    expect(p.push('a', '#', 0)).toEqual([]);
  });

  it('starts over after a pause or too many digits, so half a PIN never joins the next', () => {
    const p = new PinCollector(10_000, 4);
    p.push('a', '12', 0);
    expect(p.push('a', '34#', 10_001)).toEqual(['34']);
    expect(p.push('a', '12345#', 20_000)).toEqual(['5']);
  });
});
