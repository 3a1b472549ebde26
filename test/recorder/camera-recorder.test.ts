/**
 * The recorder's supervision of its ffmpeg, with a stand-in ffmpeg (a shell script that
 * writes segment files and announces them on stdout like the segment muxer) so stalls and
 * quick stop/start sequences happen exactly when the test wants them.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import { CameraRecorder, stallGraceMs, type ClosedSegment } from '../../devices/recorder/camera-recorder.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { until } from './tools.js';

const logger = pino({ level: 'silent' });

// Counts its runs in ./count and leaves its pid in ./pid-N. On its first run it stalls (prints
// nothing) when ./stall-first exists; stalls deaf to SIGINT when ./deaf-stall-first exists; with
// ./close-on-int it lists one segment, stalls with the next one open, and on SIGINT lists that
// one and exits (as ffmpeg writes the trailer); with ./killed-first it lists one segment, writes
// the next one (not video) and dies of SIGKILL with it unlisted. Otherwise it writes a segment every 0.3 s and
// lists it as `name,start,end` on stdout.
const FAKE_FFMPEG = `#!/bin/sh
here=$(dirname "$0")
n=$(cat "$here/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$here/count"
echo $$ > "$here/pid-$n"
for out; do :; done
if [ "$n" = 1 ] && [ -e "$here/stall-first" ]; then exec sleep 60; fi
if [ "$n" = 1 ] && [ -e "$here/deaf-stall-first" ]; then trap '' INT; exec sleep 60; fi
if [ "$n" = 1 ] && [ -e "$here/close-on-int" ]; then
  f=$(printf "$out" 0); echo "segment 0" > "$f"; echo "$(basename "$f"),0.0,1.0"
  f=$(printf "$out" 1); echo "segment 1" > "$f"
  sleep 60 & s=$!
  trap 'kill $s; echo "$(basename "$f"),1.0,2.0"; exit 0' INT
  wait $s
fi
if [ "$n" = 1 ] && [ -e "$here/killed-first" ]; then
  f=$(printf "$out" 0); echo "segment 0" > "$f"; echo "$(basename "$f"),0.0,1.0"
  sleep 0.5; f=$(printf "$out" 1); echo "half a segment" > "$f"
  kill -KILL $$
fi
trap 'exit 0' INT TERM
i=0
while :; do
  sleep 0.3
  f=$(printf "$out" $i)
  echo "segment $i" > "$f"
  echo "$(basename "$f"),$i.0,$((i+1)).0"
  i=$((i+1))
done
`;

type FirstRun = 'stall-first' | 'deaf-stall-first' | 'close-on-int' | 'killed-first';

function fakeFfmpeg(opts: { firstRun?: FirstRun } = {}): { bin: string; runs: () => number; pid: (run: number) => number } {
  const dir = tempDir('contactd-fake-ffmpeg-');
  const bin = path.join(dir, 'ffmpeg');
  writeFileSync(bin, FAKE_FFMPEG);
  chmodSync(bin, 0o755);
  if (opts.firstRun) writeFileSync(path.join(dir, opts.firstRun), '');
  const count = path.join(dir, 'count');
  return {
    bin,
    runs: () => (existsSync(count) ? Number(readFileSync(count, 'utf8')) : 0),
    pid: (run) => Number(readFileSync(path.join(dir, `pid-${run}`), 'utf8')),
  };
}

let recorder: CameraRecorder | undefined;
afterEach(async () => {
  await recorder?.stop();
  recorder = undefined;
  removeTempDirs();
});

function makeRecorder(bin: string, backoffMs = 50, log = logger) {
  const segments: ClosedSegment[] = [];
  const gaps: { fromAt: number; toAt: number; reason: string }[] = [];
  recorder = new CameraRecorder({
    cameraId: 'cam-x',
    streamUri: () => 'rtsp://127.0.0.1:1/cam-x',
    skewMs: () => 0,
    footageDir: tempDir('contactd-rec-'),
    segmentSeconds: 1,
    stallSeconds: 1,
    backoffMs,
    maxBackoffMs: 200,
    ffmpegPath: bin,
    clock: systemClock,
    logger: log,
    sink: { segmentClosed: (s) => segments.push(s), gap: (g) => gaps.push(g) },
  });
  return { recorder, segments, gaps };
}

describe('camera recorder supervision', () => {
  it('keeps the reason and start of a pause when the first ffmpeg after it stalls', async () => {
    const fake = fakeFfmpeg({ firstRun: 'stall-first' });
    const { recorder: r, gaps } = makeRecorder(fake.bin);
    const pausedAt = Date.now() - 5000;
    r.start(pausedAt, 'disk full (recording paused)');
    const gap = await until(() => gaps[0], 20_000);
    expect(fake.runs()).toBeGreaterThanOrEqual(2);
    expect(r.restarts).toBeGreaterThanOrEqual(1);
    expect(gap.reason).toBe('disk full (recording paused)');
    expect(gap.fromAt).toBe(pausedAt);
    expect(gaps).toHaveLength(1);
  });

  it('stops a stalled ffmpeg with SIGINT, indexes the segment it closes and starts the gap at its end', async () => {
    const fake = fakeFfmpeg({ firstRun: 'close-on-int' });
    // Restart after 3 s: the stand-in's next run lists 1-s segments from its start, and a gap
    // shorter than 1 s is not reported.
    const { recorder: r, segments, gaps } = makeRecorder(fake.bin, 3000);
    r.start();
    const gap = await until(() => gaps.find((g) => g.reason === 'stream stalled'), 20_000);
    expect(fake.runs()).toBeGreaterThanOrEqual(2);
    const names = segments.map((s) => path.basename(s.path));
    expect(names.slice(0, 2)).toEqual([expect.stringMatching(/-000000\.mp4$/), expect.stringMatching(/-000001\.mp4$/)]);
    // The segment closed after the stall keeps the run's time line (it ended at the freeze).
    expect(segments[1]!.startAt).toBe(segments[0]!.endAt);
    expect(segments[1]!.endAt - segments[1]!.startAt).toBe(1000);
    expect(existsSync(segments[1]!.path)).toBe(true);
    expect(gap.fromAt).toBe(segments[1]!.endAt);
    expect(segments[2]!.startAt).toBeGreaterThanOrEqual(gap.toAt);
  });

  it('removes, and logs, the unlisted file of a killed ffmpeg that does not play; the gap starts at the last listed segment', async () => {
    const fake = fakeFfmpeg({ firstRun: 'killed-first' });
    const lines: { msg: string; file?: string }[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void lines.push(JSON.parse(l) as { msg: string; file?: string }) });
    const { recorder: r, segments, gaps } = makeRecorder(fake.bin, 2000, log);
    r.start();
    const gap = await until(() => gaps.find((g) => g.reason === 'ffmpeg killed (SIGKILL)'), 20_000);
    const removed = lines.find((l) => l.msg.includes('does not play; removed'));
    expect(removed?.file).toMatch(/-000001\.mp4$/);
    expect(existsSync(removed!.file!)).toBe(false);
    expect(segments.some((s) => s.path === removed!.file)).toBe(false);
    expect(gap.fromAt).toBe(segments[0]!.endAt);
    expect(segments[0]!.path).toMatch(/-000000\.mp4$/);
  });

  it('kills a stalled ffmpeg that ignores SIGINT, after the grace, and records again', async () => {
    const fake = fakeFfmpeg({ firstRun: 'deaf-stall-first' });
    const { recorder: r, segments } = makeRecorder(fake.bin);
    const startedAt = Date.now();
    r.start();
    await until(() => fake.runs() >= 2, 20_000);
    // Stall limit (1 s) plus its grace before the SIGKILL; the SIGINT alone did not stop it.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000 + stallGraceMs(1000));
    expect(() => process.kill(fake.pid(1), 0)).toThrow();
    await until(() => segments.length >= 2, 10_000);
  });

  it('runs one ffmpeg when a stop and a start overtake a launch in progress', async () => {
    const fake = fakeFfmpeg();
    const { recorder: r, segments } = makeRecorder(fake.bin);
    r.start();
    void r.stop('paused');
    r.start(Date.now(), 'resumed');
    await until(() => segments.length >= 3, 10_000);
    expect(fake.runs()).toBe(1);
    // Segments of one run abut and never overlap.
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.startAt).toBeGreaterThanOrEqual(segments[i - 1]!.endAt);
  });
});
