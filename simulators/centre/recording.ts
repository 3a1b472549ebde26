/**
 * Camera recording on the simulated clock. Real video cannot follow a ManualClock that
 * runs a day in a minute, so the simulator stands in for ffmpeg only: for every camera a
 * segment closes every `segmentSeconds` of simulated time, as a small real file with its
 * real SHA-256, handed to the daemon's own recorder sink (the footage index and tagger,
 * exactly what devices/recorder feeds). A camera the simulation takes offline closes no
 * segments; when it is back, its first segment reports the gap, as the recorder does
 * (devices/recorder/camera-recorder.ts: gap from the last segment's end to the new start).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../../src/clock.js';
import type { RecorderSink } from '../../devices/recorder/camera-recorder.js';

interface CameraRun {
  cameraId: string;
  dir: string;
  /** Start of the segment being recorded; undefined while the camera is offline. */
  segmentStart: number | undefined;
  lastEnd: number | undefined;
  pendingGap: { fromAt: number; reason: string } | undefined;
  cancel: (() => void) | undefined;
  seq: number;
}

export interface RecordingStats {
  segments: number;
  gaps: number;
  offlineMs: number;
}

export class SimulatedRecording {
  private readonly runs = new Map<string, CameraRun>();
  readonly stats: RecordingStats = { segments: 0, gaps: 0, offlineMs: 0 };
  private readonly offlineSince = new Map<string, number>();

  constructor(
    private readonly o: { cameraIds: readonly string[]; footageDir: string; segmentSeconds: number; clock: Clock; sink: RecorderSink },
  ) {
    for (const cameraId of o.cameraIds) {
      const dir = path.join(o.footageDir, `sim-${cameraId}`);
      mkdirSync(dir, { recursive: true });
      this.runs.set(cameraId, { cameraId, dir, segmentStart: undefined, lastEnd: undefined, pendingGap: undefined, cancel: undefined, seq: 0 });
    }
  }

  get cameraIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Every camera starts recording now. */
  start(): void {
    for (const run of this.runs.values()) this.begin(run, this.o.clock.now());
  }

  stop(): void {
    for (const run of this.runs.values()) {
      run.cancel?.();
      run.segmentStart = undefined;
    }
  }

  isOffline(cameraId: string): boolean {
    return this.offlineSince.has(cameraId);
  }

  /** The camera drops: the segment in progress is lost (a partial file is never indexed). */
  takeOffline(cameraId: string): void {
    const run = this.runs.get(cameraId);
    if (!run || this.offlineSince.has(cameraId)) return;
    const now = this.o.clock.now();
    this.offlineSince.set(cameraId, now);
    run.cancel?.();
    run.pendingGap = { fromAt: run.lastEnd ?? run.segmentStart ?? now, reason: 'camera offline (simulated)' };
    run.segmentStart = undefined;
  }

  bringOnline(cameraId: string): void {
    const run = this.runs.get(cameraId);
    const since = this.offlineSince.get(cameraId);
    if (!run || since === undefined) return;
    const now = this.o.clock.now();
    this.offlineSince.delete(cameraId);
    this.stats.offlineMs += now - since;
    this.begin(run, now);
  }

  private begin(run: CameraRun, at: number): void {
    run.segmentStart = at;
    run.cancel = this.o.clock.setTimeout(() => this.close(run), this.o.segmentSeconds * 1000);
  }

  private close(run: CameraRun): void {
    const startAt = run.segmentStart;
    if (startAt === undefined) return;
    const endAt = this.o.clock.now();
    if (run.pendingGap && startAt - run.pendingGap.fromAt > 1000) {
      this.o.sink.gap({ cameraId: run.cameraId, fromAt: run.pendingGap.fromAt, toAt: startAt, reason: run.pendingGap.reason });
      this.stats.gaps++;
    }
    run.pendingGap = undefined;
    const body = Buffer.from(`simulated footage ${run.cameraId} ${startAt}-${endAt} #${++run.seq}\n`);
    const file = path.join(run.dir, `${run.cameraId}-${startAt}.seg`);
    writeFileSync(file, body);
    const sha256 = createHash('sha256').update(body).digest('hex');
    this.o.sink.segmentClosed({ cameraId: run.cameraId, startAt, endAt, path: file, bytes: body.length, sha256, skewMs: 0 });
    this.stats.segments++;
    run.lastEnd = endAt;
    this.begin(run, endAt);
  }
}
