/** Recording tests need ffmpeg and GStreamer's RTSP server bindings: fail under CI, otherwise skip with a hint. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { RtspTestServer } from '../../simulators/onvif/rtsp-stream.js';
import { createRecorderService, type RecorderService } from '../../devices/recorder/recorder-service.js';
import type { ClosedSegment } from '../../devices/recorder/camera-recorder.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

export const TOOLS_HINT =
  'apt-get install -y ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad';

export function videoToolsAvailable(): boolean {
  const ffmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
  const gst = spawnSync('/usr/bin/python3', ['-c', "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"], { stdio: 'ignore' }).status === 0;
  return ffmpeg && gst;
}

export function requireVideoTools(): boolean {
  if (videoToolsAvailable()) return true;
  if (process.env.CI) throw new Error(`ffmpeg and the GStreamer RTSP server are required for the recording tests (${TOOLS_HINT})`);
  console.warn(`skipping recording tests: ffmpeg or GStreamer RTSP server missing (${TOOLS_HINT})`);
  return false;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds of video in an MP4 as ffprobe reads it (NaN when it cannot: no moov, say). */
export function probedSeconds(file: string): number {
  return Number(spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).stdout.toString().trim());
}

/** The current run's segment file that ffmpeg has started writing (header on disk), if any. */
export function openSegment(dir: string, notIn: readonly string[]): string | undefined {
  if (!existsSync(dir)) return undefined;
  return readdirSync(dir).find((n) => n.endsWith('.mp4') && !notIn.includes(n) && statSync(path.join(dir, n)).size > 0);
}

export async function until<T>(fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A recorder service on one test stream, short segments and quick restarts, with what it reported. */
export function recordFrom(rtsp: RtspTestServer, name: string, opts: { freeBytes?: () => Promise<number>; minFreeBytes?: number; segmentSeconds?: number; stallSeconds?: number; backoffMs?: number } = {}) {
  const dir = tempDir('contactd-rec-');
  const segments: ClosedSegment[] = [];
  const gaps: { cameraId: string; fromAt: number; toAt: number; reason: string }[] = [];
  const service = createRecorderService({
    cameraIds: [name],
    footageDir: dir,
    streamUri: () => rtsp.uri(name),
    skewMs: () => 1234,
    sink: { segmentClosed: (s) => segments.push(s), gap: (g) => gaps.push(g) },
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    segmentSeconds: opts.segmentSeconds ?? 1,
    stallSeconds: opts.stallSeconds ?? 3,
    backoffMs: opts.backoffMs ?? 200,
    maxBackoffMs: 1000,
    // RTP over the RTSP connection: loopback UDP drops the first packets now and then.
    transport: 'tcp',
    ...(opts.freeBytes ? { freeBytes: opts.freeBytes, minFreeBytes: opts.minFreeBytes ?? 1, diskCheckEveryMs: 200 } : { minFreeBytes: 1 }),
  });
  return { dir, segments, gaps, service };
}

/**
 * For a describe block: a real RTSP server publishing `mounts` for the whole block (streaming
 * before any recorder looks, as in a running centre), and `record()`, a recorder service on
 * one of them that is stopped after each test.
 */
export function streamingCameras(mounts: string[]) {
  let rtsp: RtspTestServer | undefined;
  let service: RecorderService | undefined;
  beforeAll(async () => {
    rtsp = new RtspTestServer({ mounts });
    await rtsp.start();
    for (const name of mounts) rtsp.publish({ name, fps: 10, keyframeSeconds: 1 });
    await sleep(2000);
  }, 30_000);
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });
  afterAll(async () => {
    await rtsp?.stop();
    removeTempDirs();
  });
  return {
    get rtsp(): RtspTestServer {
      return rtsp!;
    },
    record(name: string, opts: Parameters<typeof recordFrom>[2] = {}) {
      const recording = recordFrom(rtsp!, name, opts);
      service = recording.service;
      return recording;
    },
  };
}
