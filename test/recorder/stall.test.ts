/**
 * A stream that goes silent mid-segment (the camera's RTSP server stops sending anything, as
 * when its cable is cut) must not cost the footage recorded before it: the segment open at
 * the stall is closed by ffmpeg, indexed and playable, the gap starts where it ends, and
 * recording comes back with the stream. Real ffmpeg against the simulator's RTSP server,
 * frozen with SIGSTOP; on a server of its own, since freezing it freezes every mount.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RTSP_SERVER_SCRIPT } from '../../simulators/onvif/rtsp-stream.js';
import { openSegment, probedSeconds, requireVideoTools, sleep, until, streamingCameras } from './tools.js';

const have = requireVideoTools();

describe.skipIf(!have)('recorder with real ffmpeg: stalled stream', { retry: 1 }, () => {
  const cams = streamingCameras(['cam-d']);
  let relayPid: number;
  beforeAll(() => {
    // The RTSP server's own process (exact script and port: the one this block started).
    relayPid = Number(spawnSync('pgrep', ['-f', `${RTSP_SERVER_SCRIPT} ${cams.rtsp.port} `]).stdout.toString().trim());
    expect(relayPid).toBeGreaterThan(0);
  });
  afterEach(() => {
    process.kill(relayPid, 'SIGCONT');
  });

  it('indexes the segment open at a stall, starts the gap at its end and records again when the stream returns', async () => {
    // 60-s segments (as in production): everything before the freeze is in the open segment.
    const { dir, segments, gaps, service: svc } = cams.record('cam-d', { segmentSeconds: 60, stallSeconds: 3 });
    await svc.start();
    const camDir = path.join(dir, 'cam-d');
    const first = await until(() => openSegment(camDir, []), 30_000);
    await sleep(5000);
    const frozenAt = Date.now();
    process.kill(relayPid, 'SIGSTOP');
    const recorder = svc.recorders.get('cam-d')!;
    await until(() => recorder.restarts >= 1, 40_000);
    process.kill(relayPid, 'SIGCONT');

    const before = segments.find((s) => path.basename(s.path) === first);
    expect(before, 'the segment open at the stall was indexed').toBeDefined();
    expect(before!.endAt).toBeGreaterThan(frozenAt - 2000);
    expect(before!.endAt).toBeLessThanOrEqual(frozenAt + 1000);
    expect(before!.sha256).toBe(createHash('sha256').update(readFileSync(before!.path)).digest('hex'));
    const seconds = probedSeconds(before!.path);
    expect(seconds).toBeGreaterThan(4);
    expect(Math.abs(seconds * 1000 - (before!.endAt - before!.startAt))).toBeLessThan(1000);

    // Recording resumes: a new run writes a segment; a graceful stop closes and indexes it.
    await until(() => openSegment(camDir, [first]), 40_000);
    await sleep(3000);
    await svc.stop();
    const gap = gaps.find((g) => g.reason === 'stream stalled');
    expect(gap, `a stall gap (gaps: ${JSON.stringify(gaps)})`).toBeDefined();
    expect(gap!.fromAt).toBe(before!.endAt);
    const after = segments.find((s) => s.startAt >= gap!.toAt);
    expect(after).toBeDefined();
    expect(probedSeconds(after!.path)).toBeGreaterThan(1);
  }, 120_000);
});
