/**
 * Disk full: recording pauses (no segment while the volume is full), the pause is a gap,
 * and recording resumes when space is back. On a stream of its own, so the other
 * recorder tests' killed streams cannot disturb it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import { RtspTestServer } from '../../simulators/onvif/rtsp-stream.js';
import { createRecorderService, type RecorderService } from '../../devices/recorder/recorder-service.js';
import type { ClosedSegment } from '../../devices/recorder/camera-recorder.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { requireVideoTools, until } from './tools.js';

const have = requireVideoTools();
const logger = pino({ level: 'silent' });

// Real ffmpeg against a real RTSP server: a retry absorbs a stream that starts late on a busy machine.
describe.skipIf(!have)('recorder with real ffmpeg: disk full', { retry: 2 }, () => {
  let rtsp: RtspTestServer;
  let service: RecorderService | undefined;
  beforeAll(async () => {
    rtsp = new RtspTestServer({ mounts: ['cam-c'] });
    await rtsp.start();
    rtsp.publish({ name: 'cam-c', fps: 10, keyframeSeconds: 1 });
    await new Promise((r) => setTimeout(r, 2000));
  }, 30_000);
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  afterAll(async () => {
    await rtsp.stop();
    removeTempDirs();
  });

  function record(name: string, opts: { freeBytes?: () => Promise<number>; minFreeBytes?: number } = {}) {
    const dir = tempDir('contactd-rec-');
    const segments: ClosedSegment[] = [];
    const gaps: { cameraId: string; fromAt: number; toAt: number; reason: string }[] = [];
    service = createRecorderService({
      cameraIds: [name],
      footageDir: dir,
      streamUri: () => rtsp.uri(name),
      skewMs: () => 1234,
      sink: { segmentClosed: (s) => segments.push(s), gap: (g) => gaps.push(g) },
      clock: systemClock,
      logger,
      segmentSeconds: 1,
      stallSeconds: 3,
      backoffMs: 200,
      maxBackoffMs: 1000,
      // RTP over the RTSP connection: loopback UDP drops the first packets now and then.
      transport: 'tcp',
      ...(opts.freeBytes ? { freeBytes: opts.freeBytes, minFreeBytes: opts.minFreeBytes ?? 1, diskCheckEveryMs: 200 } : { minFreeBytes: 1 }),
    });
    return { dir, segments, gaps, service };
  }

  it('pauses recording when the disk is full and resumes when space is back', async () => {
    let free = 10_000_000;
    const { segments, gaps, service: svc } = record('cam-c', { freeBytes: async () => free, minFreeBytes: 1_000_000 });
    await svc.start();
    await until(() => segments.length >= 1, 30_000);
    free = 10;
    // Stopping ffmpeg gracefully can take a while when the whole suite shares two cores.
    await until(() => svc.diskFull && !svc.recorders.get('cam-c')!.recording, 45_000);
    // The graceful stop closes the segment in progress; let its index entry land.
    await new Promise((r) => setTimeout(r, 1000));
    const count = segments.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(segments.length).toBe(count);
    free = 10_000_000;
    const gap = await until(() => gaps.find((g) => g.reason.includes('disk full')), 45_000);
    expect(gap.toAt - gap.fromAt).toBeGreaterThan(2000);
    await until(() => segments.some((s) => s.startAt >= gap.toAt), 45_000);
  }, 120_000);
});
