import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSplitter, parseSegmentListLine } from '../../devices/recorder/segment-list.js';

describe('ffmpeg segment list (csv)', () => {
  it('reads plain and quoted lines', () => {
    expect(parseSegmentListLine('cam-1-000001.mp4,2.900000,4.900000')).toEqual({ ok: true, entry: { file: 'cam-1-000001.mp4', startS: 2.9, endS: 4.9 } });
    expect(parseSegmentListLine('"a,""b"".mp4",0.0,1.5\r')).toEqual({ ok: true, entry: { file: 'a,"b".mp4', startS: 0, endS: 1.5 } });
  });

  it('refuses bad times and paths that leave the segment folder', () => {
    expect(parseSegmentListLine('x.mp4,3,2')).toMatchObject({ ok: false });
    expect(parseSegmentListLine('x.mp4,abc,2')).toMatchObject({ ok: false });
    expect(parseSegmentListLine('../../etc/passwd,0,1')).toMatchObject({ ok: false });
    expect(parseSegmentListLine('x.mp4,1')).toMatchObject({ ok: false });
    expect(parseSegmentListLine('')).toMatchObject({ ok: false });
  });

  it('never throws and never yields a path with a separator, on any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (line) => {
        const r = parseSegmentListLine(line);
        if (r.ok) {
          expect(r.entry.file).not.toMatch(/[/\\]/);
          expect(r.entry.endS).toBeGreaterThanOrEqual(r.entry.startS);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('splits lines across chunks', () => {
    const s = new LineSplitter();
    expect(s.push('a.mp4,0,1\nb.mp')).toEqual(['a.mp4,0,1']);
    expect(s.push('4,1,2\n')).toEqual(['b.mp4,1,2']);
  });
});
