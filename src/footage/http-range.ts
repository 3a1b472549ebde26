/**
 * The Range request header for serving one recorded segment (RFC 9110 section 14). Only
 * a single byte range is served: a browser's <video> asks for `bytes=N-` (play, seek, the
 * MP4's index at the end of a recorder segment); a multi-range or malformed header is
 * ignored and the whole file sent, as section 14.2 allows ("a server MAY ignore the
 * Range header field"). A range that starts past the end is unsatisfiable (416).
 */

export type RangeRequest =
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/** `size` is the file's length in bytes; `end` is inclusive, as in Content-Range. */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: 'whole' };
  const m = SINGLE.exec(header.trim());
  if (!m) return { kind: 'whole' };
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    // Suffix range: the last N bytes (section 14.1.2).
    const n = Number(last);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return { kind: 'whole' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/**
 * If-Range (section 13.1.5): the range applies only while the validator still names this
 * representation; otherwise the whole file is sent. Only strong ETags are compared.
 */
export function rangeStillValid(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}
