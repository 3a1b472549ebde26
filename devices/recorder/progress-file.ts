/**
 * ffmpeg's -progress reports, appended to a file for the run's life, read only when the
 * recorder checks for a stall: the tail of the file through a descriptor kept open for
 * the run (an fstat and one read per check, no wake-ups in between). The file's mtime says
 * when its latest report was written, which places the output time on the wall clock.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const TAIL_BYTES = 1024;
const tail = Buffer.allocUnsafe(TAIL_BYTES);

/** The last `out_time_us=` of a -progress text (a report is key=value lines ending in progress=...), or -1. */
export function parseLatestOutTime(text: string): number {
  const at = text.lastIndexOf('\nout_time_us=');
  if (at < 0) return -1;
  const m = /^\d{1,16}/.exec(text.slice(at + 13));
  return m ? Number(m[0]) : -1;
}

export class ProgressFile {
  private fd: number | undefined;
  /** How long ago (ms, real time) the file was last written, as of the latest outTime(): the age of its latest report. */
  ageMs = 0;

  constructor(readonly file: string) {}

  /** The output time (µs) of the latest report, or -1 (no file or no report yet). */
  outTime(): number {
    try {
      this.fd ??= openSync(this.file, 'r');
      const { size, mtimeMs } = fstatSync(this.fd);
      this.ageMs = Math.max(0, Date.now() - mtimeMs);
      const n = readSync(this.fd, tail, 0, Math.min(size, TAIL_BYTES), Math.max(0, size - TAIL_BYTES));
      return parseLatestOutTime(tail.toString('latin1', 0, n));
    } catch {
      return -1;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
