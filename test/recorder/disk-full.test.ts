/**
 * Disk full: recording pauses (no segment while the volume is full), the pause is a gap,
 * and recording resumes when space is back. On a stream of its own, so the other
 * recorder tests' killed streams cannot disturb it.
 */
import { describe, expect, it } from 'vitest';

import { requireVideoTools, until, streamingCameras } from './tools.js';

const have = requireVideoTools();

// Real ffmpeg against a real RTSP server: a retry absorbs a stream that starts late on a busy machine.
describe.skipIf(!have)('recorder with real ffmpeg: disk full', { retry: 2 }, () => {
  const cams = streamingCameras(['cam-c']);
  const record = cams.record;

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
