/**
 * Records one camera: one ffmpeg with stream copy, cut into MP4 segments; each segment
 * is hashed (SHA-256, off the event loop) and handed to the index as it closes. ffmpeg is restarted with
 * exponential backoff when it dies or stalls; the time not recorded is reported as a gap.
 * Partial files of a dead run are removed.
 *
 * Stall: neither a closed segment nor an advance of ffmpeg's output time for stallSeconds.
 * ffmpeg appends its -progress reports to a file of the run, whose tail is read at the
 * stall checks (on the service's one timer for all its checks), so a healthy recording
 * wakes the daemon only when a segment closes and at those checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import { recorderArgs } from './ffmpeg-args.js';
import type { RecordedSegment } from '../../src/domain/segment.js';
import { LineSplitter, parseSegmentListLine } from './segment-list.js';
import { sha256OfFile } from '../../src/footage/file-hash.js';
import type { FileHash } from './file-hasher.js';
import { CheckTimer, stallCheckPeriodMs } from './check-timer.js';
import { ProgressFile } from './progress-file.js';

export type ClosedSegment = RecordedSegment;

export interface RecorderSink {
  segmentClosed(segment: ClosedSegment): void;
  gap(gap: { cameraId: string; fromAt: number; toAt: number; reason: string }): void;
  state?(cameraId: string, recording: boolean, reason: string): void;
}

export interface CameraRecorderOptions {
  cameraId: string;
  /** The camera's RTSP URI; undefined while the camera is not connected (retry later). */
  streamUri: () => string | undefined;
  skewMs: () => number;
  footageDir: string;
  segmentSeconds: number;
  transport?: 'udp' | 'tcp';
  stallSeconds?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  ffmpegPath?: string;
  clock: Clock;
  logger: Logger;
  sink: RecorderSink;
  /** SHA-256 and size of a closed segment (the service's hashing thread; default in-process). */
  hashFile?: (file: string) => Promise<FileHash>;
  /** The service's check timer shared by all cameras (default: one of its own). */
  checkTimer?: CheckTimer;
}

export class CameraRecorder {
  restarts = 0;
  segments = 0;
  private proc: ChildProcess | undefined;
  private running = false;
  private backoff: number;
  private cancelTimer: (() => void) | undefined;
  private unwatchStall: (() => void) | undefined;
  private readonly checkTimer: CheckTimer;
  private lastProgressAt = 0;
  /** ffmpeg's output time (µs) in its latest progress report (-1: none yet). */
  private lastOutTime = -1;
  private progress: ProgressFile | undefined;
  private lastEndAt: number | undefined;
  /** Wall-clock time of the current run's stream time 0 (set by its first closed segment). */
  private anchor: number | undefined;
  private gapSince: { at: number; reason: string } | undefined;
  private pending: Promise<void> = Promise.resolve();
  private runPrefix = '';
  private exited: Promise<void> = Promise.resolve();
  /** Bumped by every start() and stop(): a launch or restart from an older generation is dropped. */
  private generation = 0;
  /** Segment files of the current run that ffmpeg reported closed. */
  private readonly lastIndexedNames = new Set<string>();

  constructor(private readonly o: CameraRecorderOptions) {
    this.backoff = o.backoffMs ?? 1000;
    this.checkTimer = o.checkTimer ?? new CheckTimer(o.clock, stallCheckPeriodMs(this.stallMs));
  }

  private get stallMs(): number {
    return (this.o.stallSeconds ?? 10) * 1000;
  }

  get dir(): string {
    return path.join(this.o.footageDir, this.o.cameraId);
  }

  get recording(): boolean {
    return this.proc !== undefined;
  }

  /** Starts recording; the time from `gapFrom` to the first segment is reported as a gap. */
  start(gapFrom = this.o.clock.now(), reason = 'recorder starting'): void {
    if (this.running) return;
    this.running = true;
    this.generation += 1;
    this.gapSince = { at: gapFrom, reason };
    this.anchor = undefined;
    void this.launch(this.generation);
  }

  /** Stops ffmpeg gracefully (SIGINT closes the current segment), then waits for its index entry. */
  async stop(reason = 'recorder stopped'): Promise<void> {
    this.running = false;
    this.generation += 1;
    this.cancelTimer?.();
    this.unwatchStall?.();
    const proc = this.proc;
    const kill = proc && proc.exitCode === null ? setTimeout(() => proc.kill('SIGKILL'), 5000) : undefined;
    if (kill) proc!.kill('SIGINT');
    // Always wait for the exit handler, even of a process that already exited: a start() that
    // overtook it would otherwise see its restart scheduled on top of the new run.
    await this.exited;
    clearTimeout(kill);
    await this.pending;
    this.o.sink.state?.(this.o.cameraId, false, reason);
  }

  private async launch(generation: number): Promise<void> {
    if (!this.running || generation !== this.generation) return;
    const uri = this.o.streamUri();
    if (!uri) {
      this.scheduleRestart('no stream URI yet (camera not connected)');
      return;
    }
    await mkdir(this.dir, { recursive: true });
    // stop() (and maybe a new start()) may have come while the folder was being made:
    // never start an ffmpeg nobody supervises, nor a second one for the same camera.
    if (!this.running || generation !== this.generation) return;
    this.runPrefix = `${this.o.cameraId}-${this.o.clock.now()}-`;
    this.progress?.close();
    this.progress = new ProgressFile(path.join(this.dir, `${this.runPrefix}progress.txt`));
    this.anchor = undefined;
    const args = recorderArgs({
      inputUri: uri,
      outputDir: this.dir,
      pattern: `${this.runPrefix}%06d.mp4`,
      segmentSeconds: this.o.segmentSeconds,
      transport: this.o.transport ?? 'udp',
      ioTimeoutSeconds: this.stallMs / 1000,
      progressFile: this.progress.file,
      // Reports often enough that the stall check (after half the limit) always finds a new one.
      progressSeconds: Math.max(1, Math.floor(this.stallMs / 4000)),
    });
    const proc = spawn(this.o.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    this.lastProgressAt = this.o.clock.now();
    this.lastOutTime = -1;
    const out = new LineSplitter();
    const err = new LineSplitter();
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => out.push(d).forEach((l) => this.onListLine(l)));
    proc.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d).forEach((l) => this.onStderrLine(l)));
    this.exited = new Promise((resolve) => proc.once('close', (code, signal) => resolve(this.onExit(proc, generation, code, signal))));
    proc.once('error', (e) => this.o.logger.error({ camera: this.o.cameraId, err: e.message }, 'ffmpeg could not start (is ffmpeg installed?)'));
    this.o.sink.state?.(this.o.cameraId, true, 'ffmpeg started');
    this.watchStall(proc);
  }

  private watchStall(proc: ChildProcess): void {
    const unwatch = this.checkTimer.every(() => {
      if (this.proc === proc && proc.exitCode === null) this.checkStall(proc);
      else unwatch();
    });
    this.unwatchStall = unwatch;
  }

  private checkStall(proc: ChildProcess): void {
    const now = this.o.clock.now();
    // Progress seen within half the limit needs no look yet; a stall is still caught within the
    // limit plus one check period.
    if (now - this.lastProgressAt < this.stallMs / 2) return;
    const outTime = this.progress?.outTime() ?? -1;
    if (outTime > this.lastOutTime) {
      this.lastOutTime = outTime;
      this.lastProgressAt = now;
      return;
    }
    if (now - this.lastProgressAt <= this.stallMs) return;
    this.o.logger.warn({ camera: this.o.cameraId, stallMs: this.stallMs }, 'recorder stalled: no new video from ffmpeg; restarting it');
    // A stall before the run's first segment is the same gap as the one that started it
    // (disk full, camera offline): keep its start and its reason.
    this.gapSince ??= { at: this.lastEndAt ?? this.lastProgressAt, reason: 'stream stalled' };
    this.unwatchStall?.();
    proc.kill('SIGKILL');
  }

  private onStderrLine(line: string): void {
    this.o.logger.warn({ camera: this.o.cameraId, ffmpeg: line.slice(0, 300) }, 'recorder ffmpeg says');
  }

  private onListLine(line: string): void {
    const parsed = parseSegmentListLine(line);
    if (!parsed.ok) {
      this.o.logger.warn({ camera: this.o.cameraId, reason: parsed.reason }, 'unreadable segment list line from ffmpeg; ignored');
      return;
    }
    const now = this.o.clock.now();
    this.lastProgressAt = now;
    // Stream times map onto the wall clock through an anchor taken when the run's first segment
    // closes; re-anchored if they drift apart by more than 2 s (long stall, camera clock jumps).
    if (this.anchor === undefined || Math.abs(this.anchor + parsed.entry.endS * 1000 - now) > 2000) this.anchor = now - parsed.entry.endS * 1000;
    const durationMs = Math.max(1, Math.round((parsed.entry.endS - parsed.entry.startS) * 1000));
    let endAt = Math.round(this.anchor + parsed.entry.endS * 1000);
    let startAt = endAt - durationMs;
    // Segments of one run abut: never overlap the previous one (a re-anchor can pull times back).
    if (this.gapSince === undefined && this.lastEndAt !== undefined && startAt < this.lastEndAt) {
      startAt = this.lastEndAt;
      endAt = Math.max(endAt, startAt + 1);
    }
    if (this.gapSince && startAt - this.gapSince.at > 1000) {
      this.o.sink.gap({ cameraId: this.o.cameraId, fromAt: this.gapSince.at, toAt: startAt, reason: this.gapSince.reason });
    }
    this.gapSince = undefined;
    this.lastEndAt = endAt;
    this.lastIndexedNames.add(parsed.entry.file);
    const file = path.join(this.dir, parsed.entry.file);
    const skewMs = this.o.skewMs();
    this.pending = this.pending.then(async () => {
      try {
        const { sha256, bytes } = await (this.o.hashFile ?? sha256OfFile)(file);
        this.segments += 1;
        this.backoff = this.o.backoffMs ?? 1000;
        this.o.sink.segmentClosed({ cameraId: this.o.cameraId, startAt, endAt, path: file, bytes, sha256, skewMs });
      } catch (e) {
        this.o.logger.error({ camera: this.o.cameraId, file, err: (e as Error).message }, 'closed segment could not be indexed');
      }
    });
  }

  private async onExit(proc: ChildProcess, generation: number, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.proc === proc) this.proc = undefined;
    this.cancelTimer?.();
    this.progress?.close();
    await this.pending;
    await this.removePartials();
    if (!this.running || generation !== this.generation) return;
    const reason = signal ? `ffmpeg killed (${signal})` : `ffmpeg exited (${code})`;
    this.gapSince ??= { at: this.lastEndAt ?? this.o.clock.now(), reason };
    this.o.sink.state?.(this.o.cameraId, false, reason);
    this.scheduleRestart(reason);
  }

  private scheduleRestart(reason: string): void {
    if (!this.running) return;
    this.restarts += 1;
    this.o.logger.warn({ camera: this.o.cameraId, reason, retryInMs: this.backoff }, 'recorder not recording; will retry');
    const generation = this.generation;
    this.cancelTimer = this.o.clock.setTimeout(() => void this.launch(generation), this.backoff);
    this.backoff = Math.min(this.backoff * 2, this.o.maxBackoffMs ?? 30_000);
  }

  /** Files of the finished run that never made it into the segment list are incomplete MP4s. */
  private async removePartials(): Promise<void> {
    const indexed = this.lastIndexedNames;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith(this.runPrefix) && !indexed.has(name)) await unlink(path.join(this.dir, name)).catch(() => undefined);
    }
    indexed.clear();
  }
}
