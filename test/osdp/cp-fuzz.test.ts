import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../../src/clock.js';
import { OsdpBus, type BusEvent } from '../../devices/osdp/cp-bus.js';
import { FrameParser } from '../../devices/osdp/frame-parser.js';
import { encodeFrame } from '../../devices/osdp/frame.js';
import { createMemoryPortPair } from '../../devices/osdp/port.js';
import { encodeReply, type Reply } from '../../devices/osdp/messages/index.js';
import { flush, silent } from './harness.js';

const arbitraryPayload = fc.tuple(fc.integer({ min: 0x40, max: 0x80 }), fc.uint8Array({ maxLength: 40 }));

/** Well-formed replies of every kind, so the CP's handling of each is exercised too. */
const validReplyPayload = fc
  .oneof(
    fc.constant<Reply>({ type: 'ack' }),
    fc.constant<Reply>({ type: 'busy' }),
    fc.record({ type: fc.constant('nak' as const), reason: fc.integer({ min: 0, max: 9 }), detail: fc.uint8Array({ maxLength: 2 }) }),
    fc.record({ type: fc.constant('lstatr' as const), tamper: fc.boolean(), powerFailure: fc.boolean() }),
    fc.record({ type: fc.constant('istatr' as const), inputs: fc.array(fc.boolean(), { maxLength: 8 }) }),
    fc.record({ type: fc.constant('ostatr' as const), outputs: fc.array(fc.boolean(), { maxLength: 8 }) }),
    fc.record({ type: fc.constant('keypad' as const), reader: fc.integer({ min: 0, max: 3 }), digits: fc.stringMatching(/^[0-9*#]{0,8}$/) }),
    fc.integer({ min: 1, max: 64 }).chain((bitCount) =>
      fc.record({
        type: fc.constant('raw' as const), reader: fc.constant(0), format: fc.integer({ min: 0, max: 1 }), bitCount: fc.constant(bitCount),
        bits: fc.uint8Array({ minLength: Math.ceil(bitCount / 8), maxLength: Math.ceil(bitCount / 8) }),
      }),
    ),
  )
  .map((r): [number, Uint8Array] => {
    const { code, data } = encodeReply(r as Reply);
    return [code, data];
  });

/**
 * A hostile PD: answers every command with a well-framed reply (right address, right
 * sequence number, valid CRC) whose code and data are arbitrary. The CP must never throw
 * and must never report a card from data that does not decode.
 */
describe('CP against a PD answering arbitrary well-framed replies (fuzz)', () => {
  it('never throws; everything it reports decodes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.oneof(arbitraryPayload, validReplyPayload), fc.boolean()), { minLength: 1, maxLength: 25 }),
        async (replies) => {
          const clock = new ManualClock(0);
          const [cp, pd] = createMemoryPortPair();
          let i = 0;
          const parser = new FrameParser({
            onFrame: (f) => {
              const [[code, data], withSb] = replies[i++ % replies.length]!;
              const sb = withSb ? { securityBlock: { type: 0x16, data: new Uint8Array(0) }, mac: Uint8Array.of(1, 2, 3, 4) } : {};
              pd.write(encodeFrame({ address: f.address, reply: true, sequence: f.sequence, useCrc: true, code, data, ...sb }));
            },
          });
          pd.on('data', (c) => parser.push(c));
          const bus = new OsdpBus({
            busId: 'fuzz', path: 'mem', baudRate: 115200, clock, logger: silent, portFactory: async () => cp,
            pds: [{ address: 1 }],
          });
          const events: BusEvent[] = [];
          bus.onEvent((e) => events.push(e));
          await bus.start();
          for (let t = 0; t < 60; t++) {
            for (let k = 0; k < 3; k++) await flush();
            clock.advance(10);
          }
          await bus.stop();
          for (const e of events) {
            if (e.type === 'card') expect(e.bits.length).toBe(Math.ceil(e.bitCount / 8));
            if (e.type === 'keypad') expect(e.digits).toMatch(/^[0-9A-H*#]*$/);
          }
          expect(bus.link(1)!.stats.sent).toBeGreaterThan(0);
          expect(bus.parserStats.handlerErrors).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('CP against a PD sending a reply it cannot decode (e.g. osdp_FMT)', () => {
  it('closes the exchange without retries and keeps the PD online', async () => {
    const clock = new ManualClock(0);
    const [cp, pd] = createMemoryPortPair();
    const parser = new FrameParser({
      onFrame: (f) => {
        const [code, data] = f.code === 0x60 ? [0x51, Uint8Array.of(0, 0, 3, 0x31, 0x32, 0x33)] : [0x40, new Uint8Array(0)];
        pd.write(encodeFrame({ address: f.address, reply: true, sequence: f.sequence, useCrc: true, code, data }));
      },
    });
    pd.on('data', (c) => parser.push(c));
    const bus = new OsdpBus({ busId: 'fmt', path: 'mem', baudRate: 115200, clock, logger: silent, portFactory: async () => cp, pds: [{ address: 2 }] });
    const events: BusEvent[] = [];
    bus.onEvent((e) => events.push(e));
    await bus.start();
    for (let t = 0; t < 1000; t++) {
      for (let k = 0; k < 3; k++) await flush();
      clock.advance(10);
    }
    await bus.stop();
    expect(events.map((e) => e.type)).toEqual(['bus-up', 'pd-online']);
    const stats = bus.link(2)!.stats;
    expect(stats.polls).toBeGreaterThan(100);
    expect(stats.retries).toBe(0);
    expect(stats.rejectedReplies).toBeGreaterThanOrEqual(stats.polls - 1); // the last poll may still be in flight
  });
});
