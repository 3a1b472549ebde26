/**
 * The Range header parser behind segment playback (RFC 9110 section 14), fuzzed: whatever
 * arrives, it never throws and never names a byte outside the file. And the once-per-
 * session view audit: one record per segment per session, again after the session life.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRange, rangeStillValid } from '../../src/footage/http-range.js';
import { viewAuditOnce } from '../../src/footage/view-audit.js';

describe('Range header', () => {
  it('reads the forms a <video> element sends', () => {
    expect(parseRange(undefined, 1000)).toEqual({ kind: 'whole' });
    expect(parseRange('bytes=0-', 1000)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(parseRange('bytes=100-199', 1000)).toEqual({ kind: 'partial', start: 100, end: 199 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'partial', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'partial', start: 0, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not serve: several ranges, other units, reversed or malformed ranges', () => {
    for (const h of ['bytes=0-1,5-9', 'items=0-1', 'bytes=9-1', 'bytes=a-b', 'bytes=', 'bytes=-', '', 'bytes=1e3-', 'bytes=99999999999999999999-'])
      expect(parseRange(h, 1000), h).toEqual({ kind: 'whole' });
  });

  it('property: never throws, and a partial range always lies inside the file', () => {
    const header = fc.oneof(
      fc.string(),
      fc.tuple(fc.option(fc.nat({ max: 1e12 })), fc.option(fc.nat({ max: 1e12 }))).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
    );
    fc.assert(
      fc.property(header, fc.nat({ max: 1e10 }), (h, size) => {
        const r = parseRange(h, size);
        if (r.kind === 'partial') {
          expect(Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end)).toBe(true);
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeGreaterThanOrEqual(r.start);
          expect(r.end).toBeLessThan(size);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('If-Range keeps the range only for the same ETag', () => {
    expect(rangeStillValid(undefined, '"abc"')).toBe(true);
    expect(rangeStillValid('"abc"', '"abc"')).toBe(true);
    expect(rangeStillValid('"abd"', '"abc"')).toBe(false);
    expect(rangeStillValid('Wed, 21 Oct 2015 07:28:00 GMT', '"abc"')).toBe(false);
  });
});

describe('footage view audit, once per session and segment', () => {
  it('counts the first opening only, per session, visit and segment, until the session life has passed', () => {
    let now = 0;
    const once = viewAuditOnce({ ttlMs: 1000, now: () => now });
    expect(once.first('session-1', 'b1', 7)).toBe(true);
    expect(once.first('session-1', 'b1', 7)).toBe(false);
    expect(once.first('session-1', 'b1', 8)).toBe(true);
    expect(once.first('session-2', 'b1', 7)).toBe(true);
    expect(once.first('session-1', 'b2', 7)).toBe(true);
    now = 999;
    expect(once.first('session-1', 'b1', 7)).toBe(false);
    now = 1000;
    expect(once.first('session-1', 'b1', 7)).toBe(true);
  });

  it('stays bounded, forgetting the oldest first', () => {
    const once = viewAuditOnce({ ttlMs: 1e9, max: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) once.first('s', 'b', i);
    expect(once.size()).toBeLessThanOrEqual(101);
    expect(once.first('s', 'b', 999)).toBe(false);
    expect(once.first('s', 'b', 0)).toBe(true);
  });
});
