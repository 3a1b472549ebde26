/**
 * ffprobe of the segment a dead ffmpeg left open: a fragmented MP4 cut off mid-fragment plays
 * up to its last complete fragment; a file that is no MP4 does not; a hung ffprobe is cut off.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePackets, probeSegment } from '../../devices/recorder/probe-segment.js';
import { SEGMENT_FORMAT_OPTIONS } from '../../devices/recorder/ffmpeg-args.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { requireFfmpeg } from '../api/ffmpeg-segments.js';

afterAll(() => removeTempDirs());

describe('ffprobe output', () => {
  it('spans the first frame to the end of the last, and needs a frame and a positive span', () => {
    expect(parsePackets('0.000000,0.100000\n0.200000,0.100000\n0.100000,0.100000\n')).toEqual({ ok: true, durationS: 0.30000000000000004, frames: 3 });
    expect(parsePackets('0.500000,N/A\n1.000000,0.100000\nN/A,0.1\n')).toMatchObject({ ok: true, frames: 2 });
    expect(parsePackets('0.000000,N/A\n')).toMatchObject({ ok: false, reason: 'no duration' });
    expect(parsePackets('N/A,N/A\n')).toMatchObject({ ok: false, reason: 'no video frame' });
    expect(parsePackets('')).toMatchObject({ ok: false, reason: 'no video frame' });
  });

  it('never throws and accepts only a positive duration with frames, on any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.tuple(fc.oneof(fc.double(), fc.constant(Number.NaN)), fc.double()).map(([a, b]) => `${a},${b}`)).map((l) => l.join('\n'))), (text) => {
        const r = parsePackets(text);
        if (r.ok) {
          expect(r.durationS).toBeGreaterThan(0);
          expect(Number.isFinite(r.durationS)).toBe(true);
          expect(r.frames).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe.skipIf(!requireFfmpeg('the segment probe tests'))('probing a segment with real ffprobe', () => {
  it('reads a fragmented segment cut off mid-write: the frames it still holds, not the cut fragment\'s announced length', async () => {
    const dir = tempDir('contactd-probe-');
    const whole = path.join(dir, 'whole.mp4');
    // 6 s at 10 fps, a keyframe every second: six 1-s fragments, as the recorder writes them.
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '6',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '10', '-f', 'mp4', '-movflags', /movflags=([^:]+)/.exec(SEGMENT_FORMAT_OPTIONS)![1]!, whole]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const cut = path.join(dir, 'cut.mp4');
    // Cut off in the middle of the fifth fragment (as a SIGKILL leaves a file).
    writeFileSync(cut, readFileSync(whole).subarray(0, Math.round(statSync(whole).size * 0.75)));
    const probe = await probeSegment(cut);
    expect(probe.ok, JSON.stringify(probe)).toBe(true);
    if (!probe.ok) return;
    expect(probe.durationS).toBeGreaterThanOrEqual(3);
    expect(probe.durationS).toBeLessThan(6);
    // Every frame read counts (10 fps), and a remux of the cut file keeps exactly those.
    expect(probe.frames).toBe(Math.round(probe.durationS * 10));
    const remux = path.join(dir, 'remux.mp4');
    expect(spawnSync('ffmpeg', ['-v', 'error', '-i', cut, '-c', 'copy', '-movflags', '+faststart', remux]).status).toBe(0);
    const remuxed = await probeSegment(remux);
    expect(remuxed).toMatchObject({ ok: true, frames: probe.frames });
  });

  it('refuses a file that is no MP4 and an empty one', async () => {
    const dir = tempDir('contactd-probe-');
    writeFileSync(path.join(dir, 'text.mp4'), 'segment 1\n');
    writeFileSync(path.join(dir, 'empty.mp4'), '');
    expect(await probeSegment(path.join(dir, 'text.mp4'))).toMatchObject({ ok: false });
    expect(await probeSegment(path.join(dir, 'empty.mp4'))).toMatchObject({ ok: false });
  });

  it('gives up on an ffprobe that hangs', async () => {
    const dir = tempDir('contactd-probe-');
    const hung = path.join(dir, 'ffprobe');
    writeFileSync(hung, '#!/bin/sh\nexec sleep 30\n');
    chmodSync(hung, 0o755);
    const startedAt = Date.now();
    expect(await probeSegment(path.join(dir, 'x.mp4'), hung, 300)).toEqual({ ok: false, reason: 'ffprobe timed out after 300 ms' });
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });
});
