import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FrameParser } from '../../devices/osdp/frame-parser.js';
import { checkIsValid, declaredLength, encodeFrame, type DecodedFrame, type Frame } from '../../devices/osdp/frame.js';

function collect() {
  const frames: DecodedFrame[] = [];
  const parser = new FrameParser({ onFrame: (f) => frames.push(f) });
  return { frames, parser };
}

const arbFrame: fc.Arbitrary<Frame> = fc.record({
  address: fc.integer({ min: 0, max: 0x7f }),
  reply: fc.boolean(),
  sequence: fc.integer({ min: 0, max: 3 }),
  useCrc: fc.boolean(),
  code: fc.integer({ min: 0, max: 255 }),
  data: fc.uint8Array({ maxLength: 40 }),
});

const same = (a: Frame, b: Frame) =>
  a.address === b.address && a.reply === b.reply && a.sequence === b.sequence && a.code === b.code &&
  Buffer.from(a.data).equals(Buffer.from(b.data));

/** True when a SOM inside the first `prefixLen` bytes starts a check-valid packet. */
function hasFalsePacket(stream: Uint8Array, prefixLen: number): boolean {
  for (let i = 0; i < prefixLen; i++) {
    if (stream[i] !== 0x53) continue;
    const len = declaredLength(stream, i);
    if (len !== undefined && len >= 7 && i + len <= stream.length && checkIsValid(stream.subarray(i, i + len))) return true;
  }
  return false;
}

/** Splits bytes into random chunks, as a UART driver would deliver them. */
function feedChunked(parser: FrameParser, bytes: Uint8Array, cuts: number[]): void {
  let at = 0;
  for (const c of cuts) {
    const end = Math.min(bytes.length, at + 1 + (c % 17));
    parser.push(bytes.subarray(at, end));
    at = end;
  }
  parser.push(bytes.subarray(at));
}

describe('OSDP frame parser', () => {
  it('finds frames split at every possible point, with and without mark bytes', () => {
    const wire = encodeFrame({ address: 1, reply: true, sequence: 1, useCrc: true, code: 0x50, data: Uint8Array.of(0, 1, 26, 0, 1, 2, 3, 4) }, { mark: true });
    for (let cut = 0; cut <= wire.length; cut++) {
      const { frames, parser } = collect();
      parser.push(wire.subarray(0, cut));
      parser.push(wire.subarray(cut));
      expect(frames).toHaveLength(1);
      expect(parser.stats.junkBytes).toBe(0);
    }
  });

  it('never throws and never invents frames on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 40 }), (noise, cuts) => {
        const { frames, parser } = collect();
        expect(() => feedChunked(parser, noise, cuts)).not.toThrow();
        // Every frame it reports must be one that really is in the noise, checks included.
        for (const f of frames) expect(Buffer.from(noise).includes(Buffer.from(f.raw))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('still finds valid frames after garbage, partial frames and corrupted frames', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        arbFrame,
        arbFrame,
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (garbage, corruptMe, wanted, where, cuts) => {
          const bad = encodeFrame(corruptMe).slice();
          const pos = where % bad.length;
          bad[pos] = (bad[pos] as number) ^ (1 + (where % 255));
          const truncated = encodeFrame(corruptMe).subarray(0, where % 7);
          const good = encodeFrame(wanted, { mark: true });
          const prefix = Uint8Array.from([...garbage, ...bad, ...truncated]);
          const stream = Uint8Array.from([...prefix, ...good]);
          // A check only detects errors with probability 1 - 2^-16 (CRC) or 1 - 2^-8 (checksum):
          // noise that happens to hold a check-valid packet overlapping the frame is excluded.
          fc.pre(!hasFalsePacket(stream, prefix.length));
          const { frames, parser } = collect();
          feedChunked(parser, stream, cuts);
          expect(frames.some((f) => same(f, wanted))).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('survives mutated valid frames (bit flips, insertions, deletions) without throwing', () => {
    fc.assert(
      fc.property(arbFrame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), { maxLength: 6 }), (frame, mutations) => {
        const bytes = [...encodeFrame(frame)];
        for (const [at, value, kind] of mutations) {
          const i = at % (bytes.length + 1);
          if (kind === 0) bytes[i % bytes.length] = value;
          else if (kind === 1) bytes.splice(i, 0, value);
          else bytes.splice(i % bytes.length, 1);
        }
        const { frames, parser } = collect();
        expect(() => parser.push(Uint8Array.from(bytes))).not.toThrow();
        for (const f of frames) expect(f.raw.length).toBeGreaterThanOrEqual(7);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts junk and rejected candidates', () => {
    const { frames, parser } = collect();
    const bad = encodeFrame({ address: 1, reply: false, sequence: 1, useCrc: true, code: 0x60, data: new Uint8Array(0) }).slice();
    bad[6] = (bad[6] as number) ^ 1;
    parser.push(Uint8Array.of(1, 2, 3, ...bad));
    expect(frames).toHaveLength(0);
    expect(parser.stats.rejected).toBe(1);
    expect(parser.stats.junkBytes).toBe(3 + bad.length);
  });

  it('survives a handler that throws', () => {
    const parser = new FrameParser({ onFrame: () => { throw new Error('consumer bug'); } });
    const wire = encodeFrame({ address: 1, reply: false, sequence: 1, useCrc: true, code: 0x60, data: new Uint8Array(0) });
    expect(() => parser.push(Uint8Array.from([...wire, ...wire]))).not.toThrow();
    expect(parser.stats.frames).toBe(2);
  });
});
