/** Reading ffmpeg's -progress file for the stall check: the latest output time only, from the file's tail. */
import { appendFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ProgressFile, parseLatestOutTime } from '../../devices/recorder/progress-file.js';
import { stallCheckPeriodMs } from '../../devices/recorder/check-timer.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

const report = (outTimeUs: number | 'N/A', end = false) =>
  `frame=12\nfps=10.0\nstream_0_0_q=-1.0\nbitrate=N/A\ntotal_size=N/A\nout_time_us=${outTimeUs}\nout_time_ms=${outTimeUs}\nout_time=00:00:01.200000\ndup_frames=0\ndrop_frames=0\nspeed=1x\nprogress=${end ? 'end' : 'continue'}\n`;

afterEach(() => removeTempDirs());

describe('ffmpeg progress file', () => {
  it('gives the output time of the latest report', () => {
    expect(parseLatestOutTime(report(1_200_000) + report(3_400_000))).toBe(3_400_000);
    expect(parseLatestOutTime(report('N/A'))).toBe(-1);
    expect(parseLatestOutTime('')).toBe(-1);
    // A report cut short while ffmpeg writes it: the number read so far, never a later one.
    expect(parseLatestOutTime(report(1_200_000) + 'frame=20\nout_time_us=')).toBe(-1);
  });

  it('reads only the tail of a long file, and -1 for a missing one', () => {
    const file = path.join(tempDir('contactd-progress-'), 'run-progress.txt');
    const progress = new ProgressFile(file);
    expect(progress.outTime()).toBe(-1);
    writeFileSync(file, '');
    expect(progress.outTime()).toBe(-1);
    for (let i = 1; i <= 5000; i++) appendFileSync(file, report(i * 2_000_000));
    expect(progress.outTime()).toBe(10_000_000_000);
    // The descriptor stays open: reports appended later are seen.
    appendFileSync(file, report(10_002_000_000));
    expect(progress.outTime()).toBe(10_002_000_000);
    progress.close();
  });

  it('says how old the latest report is (from the file mtime), to place it on the wall clock', () => {
    const file = path.join(tempDir('contactd-progress-'), 'run-progress.txt');
    writeFileSync(file, report(1_200_000));
    const progress = new ProgressFile(file);
    expect(progress.outTime()).toBe(1_200_000);
    expect(progress.ageMs).toBeLessThan(1000);
    const fiveSecondsAgo = new Date(Date.now() - 5000);
    utimesSync(file, fiveSecondsAgo, fiveSecondsAgo);
    progress.outTime();
    expect(progress.ageMs).toBeGreaterThanOrEqual(4900);
    expect(progress.ageMs).toBeLessThan(6000);
    progress.close();
  });

  it('never throws and never invents a time, on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 400 }), (text) => {
        const t = parseLatestOutTime(text);
        expect(t === -1 || (Number.isSafeInteger(t) && t >= 0 && text.includes(`out_time_us=${t}`))).toBe(true);
      }),
    );
  });

  it('checks for a stall twice per stall limit, at most every 5 s', () => {
    expect(stallCheckPeriodMs(10_000)).toBe(5000);
    expect(stallCheckPeriodMs(3000)).toBe(1500);
    expect(stallCheckPeriodMs(120_000)).toBe(5000);
    expect(stallCheckPeriodMs(100)).toBe(200);
  });
});
