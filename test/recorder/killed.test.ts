/**
 * An ffmpeg that dies hard mid-segment (SIGKILL, crash, OOM kill) never closes or lists its
 * open segment. Written as fragmented MP4 flushed per fragment, that file still plays up to its
 * last complete fragment: the recorder keeps and indexes it, the gap starts where it ends, and
 * recording comes back. Real ffmpeg against the simulator's RTSP server, killed by the test.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { openSegment, probedSeconds, requireVideoTools, sleep, until, streamingCameras } from './tools.js';

const have = requireVideoTools();

/** The pid of the ffmpeg writing into dir (its output pattern is the only command line naming dir). */
function ffmpegPid(dir: string): number | undefined {
  const pids = spawnSync('pgrep', ['-f', `^ffmpeg .* ${dir}/`]).stdout.toString().trim().split('\n').filter(Boolean).map(Number);
  return pids.length === 1 ? pids[0] : undefined;
}

describe.skipIf(!have)('recorder with real ffmpeg: ffmpeg killed mid-segment', { retry: 1 }, () => {
  const cams = streamingCameras(['cam-k']);

  it('keeps and indexes the segment open at a SIGKILL, starts the gap at its end and records again', async () => {
    // 60-s segments (as in production): everything before the kill is in the open segment.
    // A restart after 1.5 s: a gap under 1 s would not be reported at all.
    const { dir, segments, gaps, service: svc } = cams.record('cam-k', { segmentSeconds: 60, stallSeconds: 3, backoffMs: 1500 });
    await svc.start();
    const camDir = path.join(dir, 'cam-k');
    const first = await until(() => openSegment(camDir, []), 30_000);
    await sleep(6000);
    const pid = await until(() => ffmpegPid(camDir), 5000);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const recorder = svc.recorders.get('cam-k')!;
    await until(() => recorder.restarts >= 1, 20_000);

    const kept = await until(() => segments.find((s) => path.basename(s.path) === first), 5000).catch(() => undefined);
    expect(kept, `the segment open at the kill was indexed (segments: ${JSON.stringify(segments.map((s) => s.path))})`).toBeDefined();
    expect(existsSync(kept!.path)).toBe(true);
    // Footage up to the last complete fragment (one GOP, 1 s here) before the kill.
    expect(kept!.endAt).toBeGreaterThan(killedAt - 2000);
    expect(kept!.endAt).toBeLessThanOrEqual(killedAt + 500);
    expect(kept!.sha256).toBe(createHash('sha256').update(readFileSync(kept!.path)).digest('hex'));
    expect(kept!.bytes).toBe(statSync(kept!.path).size);
    const seconds = probedSeconds(kept!.path);
    expect(seconds).toBeGreaterThan(4);
    expect(Math.abs(seconds * 1000 - (kept!.endAt - kept!.startAt))).toBeLessThan(1000);

    // Recording resumes: a new run writes a segment; a graceful stop closes and indexes it.
    await until(() => openSegment(camDir, [first]), 40_000);
    await sleep(3000);
    await svc.stop();
    const gap = gaps.find((g) => g.reason === 'ffmpeg killed (SIGKILL)');
    expect(gap, `a gap for the kill (gaps: ${JSON.stringify(gaps)})`).toBeDefined();
    expect(gap!.fromAt).toBe(kept!.endAt);
    const after = segments.find((s) => s.startAt >= gap!.toAt);
    expect(after).toBeDefined();
    expect(probedSeconds(after!.path)).toBeGreaterThan(1);
  }, 120_000);

  it('starts a partial segment where the run\'s previous segment ended', async () => {
    const { dir, segments, gaps, service: svc } = cams.record('cam-k', { segmentSeconds: 2, stallSeconds: 3, backoffMs: 1500 });
    await svc.start();
    const camDir = path.join(dir, 'cam-k');
    await until(() => segments.length >= 2, 30_000);
    await sleep(1500);
    const open = openSegment(camDir, segments.map((s) => path.basename(s.path)));
    expect(open).toBeDefined();
    const pid = await until(() => ffmpegPid(camDir), 5000);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const gap = await until(() => gaps.find((g) => g.reason === 'ffmpeg killed (SIGKILL)'), 20_000).catch(() => {
      throw new Error(`no gap for the kill at ${killedAt}: gaps ${JSON.stringify(gaps)}, segments ${JSON.stringify(segments.map((s) => [path.basename(s.path), s.startAt, s.endAt]))}, open ${open}`);
    });

    const i = segments.findIndex((s) => path.basename(s.path) === open);
    expect(i, 'the segment open at the kill was indexed').toBeGreaterThan(0);
    const kept = segments[i]!;
    expect(kept.startAt).toBe(segments[i - 1]!.endAt);
    expect(kept.endAt).toBeGreaterThan(killedAt - 2000);
    expect(kept.endAt).toBeLessThanOrEqual(killedAt + 500);
    expect(Math.abs(probedSeconds(kept.path) * 1000 - (kept.endAt - kept.startAt))).toBeLessThan(1000);
    expect(kept.sha256).toBe(createHash('sha256').update(readFileSync(kept.path)).digest('hex'));
    expect(gap.fromAt).toBe(kept.endAt);
  }, 120_000);
});
