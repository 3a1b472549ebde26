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
import { CameraRecorder, type ClosedSegment } from '../../devices/recorder/camera-recorder.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { until } from './tools.js';

const logger = pino({ level: 'silent' });

// Counts its runs in ./count; stalls (prints nothing) on its first run when ./stall-first exists;
// otherwise writes a segment every 0.3 s and lists it as `name,start,end` on stdout.
const FAKE_FFMPEG = `#!/bin/sh
here=$(dirname "$0")
n=$(cat "$here/count" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$here/count"
for out; do :; done
if [ "$n" = 1 ] && [ -e "$here/stall-first" ]; then exec sleep 60; fi
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

function fakeFfmpeg(opts: { stallFirst?: boolean } = {}): { bin: string; runs: () => number } {
  const dir = tempDir('contactd-fake-ffmpeg-');
  const bin = path.join(dir, 'ffmpeg');
  writeFileSync(bin, FAKE_FFMPEG);
  chmodSync(bin, 0o755);
  if (opts.stallFirst) writeFileSync(path.join(dir, 'stall-first'), '');
  const count = path.join(dir, 'count');
  return { bin, runs: () => (existsSync(count) ? Number(readFileSync(count, 'utf8')) : 0) };
}

let recorder: CameraRecorder | undefined;
afterEach(async () => {
  await recorder?.stop();
  recorder = undefined;
  removeTempDirs();
});

function makeRecorder(bin: string) {
  const segments: ClosedSegment[] = [];
  const gaps: { fromAt: number; toAt: number; reason: string }[] = [];
  recorder = new CameraRecorder({
    cameraId: 'cam-x',
    streamUri: () => 'rtsp://127.0.0.1:1/cam-x',
    skewMs: () => 0,
    footageDir: tempDir('contactd-rec-'),
    segmentSeconds: 1,
    stallSeconds: 1,
    backoffMs: 50,
    maxBackoffMs: 200,
    ffmpegPath: bin,
    clock: systemClock,
    logger,
    sink: { segmentClosed: (s) => segments.push(s), gap: (g) => gaps.push(g) },
  });
  return { recorder, segments, gaps };
}

describe('camera recorder supervision', () => {
  it('keeps the reason and start of a pause when the first ffmpeg after it stalls', async () => {
    const fake = fakeFfmpeg({ stallFirst: true });
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
