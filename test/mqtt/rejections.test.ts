/** Refusal bookkeeping: per-device counts with a capped key set, and the log gate that keeps a flood out of the log. */
import { describe, expect, it } from 'vitest';
import { OTHER_DEVICES, RejectionCounters, RejectionLogGate } from '../../devices/mqtt-door/rejections.js';

describe('RejectionLogGate', () => {
  it('admits the first few per device and reason in a window, then says how many it held back', () => {
    const gate = new RejectionLogGate(2, 1000);
    expect([0, 1, 2, 3].map((i) => gate.admit('d1', 'schema', i))).toEqual([0, 0, undefined, undefined]);
    // Another reason and another device have windows of their own.
    expect(gate.admit('d1', 'not-json', 5)).toBe(0);
    expect(gate.admit('d2', 'schema', 5)).toBe(0);
    // The next window: the first line carries the count held back in the last one.
    expect(gate.admit('d1', 'schema', 1000)).toBe(2);
    expect(gate.admit('d1', 'schema', 1001)).toBe(0);
  });

  it('puts made-up devices past the key limit into one bucket', () => {
    const gate = new RejectionLogGate(1, 60_000, 3);
    for (const d of ['a', 'b', 'c']) expect(gate.admit(d, 'unknown-device', 0)).toBe(0);
    expect(gate.admit('d', 'unknown-device', 0)).toBe(0);
    expect(gate.admit('e', 'unknown-device', 0)).toBeUndefined();
    expect(gate.admit('a', 'unknown-device', 0)).toBeUndefined();
  });
});

describe('RejectionCounters', () => {
  it('counts per device and reason, folding devices past the limit into one bucket', () => {
    const c = new RejectionCounters(2);
    c.accept('a');
    c.reject('a', 'schema');
    c.reject('b', 'stale');
    c.reject('c', 'stale');
    c.reject('d', 'not-json');
    expect(c.snapshot()).toEqual({
      a: { accepted: 1, rejected: { schema: 1 } },
      b: { accepted: 0, rejected: { stale: 1 } },
      [OTHER_DEVICES]: { accepted: 0, rejected: { stale: 1, 'not-json': 1 } },
    });
  });
});
