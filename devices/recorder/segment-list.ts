/**
 * ffmpeg's segment muxer list in CSV form (`-segment_list_type csv`, ffmpeg-formats
 * "segment"): one line per closed segment, `filename,start,end` with times in seconds
 * of the input timeline. A filename containing a comma or quote is quoted CSV-style.
 * Lines are read as they arrive, so each segment is indexed the moment it closes.
 */

export interface SegmentListEntry {
  file: string;
  startS: number;
  endS: number;
}

export type SegmentListLine = { ok: true; entry: SegmentListEntry } | { ok: false; reason: string };

export function parseSegmentListLine(line: string): SegmentListLine {
  const text = line.replace(/\r$/, '');
  let file: string;
  let rest: string;
  if (text.startsWith('"')) {
    const close = /^"((?:[^"]|"")*)",/.exec(text);
    if (!close) return { ok: false, reason: 'unterminated quoted filename' };
    file = close[1]!.replace(/""/g, '"');
    rest = text.slice(close[0].length);
  } else {
    const comma = text.indexOf(',');
    if (comma <= 0) return { ok: false, reason: 'no filename' };
    file = text.slice(0, comma);
    rest = text.slice(comma + 1);
  }
  const parts = rest.split(',');
  if (parts.length !== 2) return { ok: false, reason: 'expected filename,start,end' };
  const [startS, endS] = parts.map((p) => (/^-?\d+(\.\d+)?$/.test(p.trim()) ? Number(p) : Number.NaN)) as [number, number];
  if (!Number.isFinite(startS) || !Number.isFinite(endS) || endS < startS) return { ok: false, reason: 'bad times' };
  if (file.includes('/') || file.includes('\\') || file === '.' || file === '..') return { ok: false, reason: 'filename outside the segment folder' };
  return { ok: true, entry: { file, startS, endS } };
}

/** Splits a byte stream into lines, keeping the unfinished tail for the next chunk. */
export class LineSplitter {
  private tail = '';
  constructor(private readonly maxLine = 4096) {}

  push(chunk: string): string[] {
    const text = this.tail + chunk;
    const lines = text.split('\n');
    this.tail = lines.pop() ?? '';
    if (this.tail.length > this.maxLine) this.tail = '';
    return lines.filter((l) => l.length > 0 && l.length <= this.maxLine);
  }
}
