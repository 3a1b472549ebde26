/**
 * Disk full: recording pauses (no segment while the volume is full), the pause is a gap,
 * and recording resumes when space is back. On a stream of its own, so the other
 * recorder tests' killed streams cannot disturb it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RtspTestServer } from '../../simulators/onvif/rtsp-stream.js';
import type { RecorderService } from '../../devices/recorder/recorder-service.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { recordFrom, requireVideoTools, until } from './tools.js';

const have = requireVideoTools();

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

  function record(name: string, opts: Parameters<typeof recordFrom>[2] = {}) {
    const recording = recordFrom(rtsp, name, opts);
    service = recording.service;
    return recording;
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
