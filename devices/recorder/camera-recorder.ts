/**
 * Records one camera: one ffmpeg with stream copy, cut into MP4 segments; each segment
 * is hashed (SHA-256, off the event loop) and handed to the index as it closes. ffmpeg is restarted with
 * exponential backoff when it dies or stalls; the time not recorded is reported as a gap.
 *
 * Killed or crashed mid-segment, ffmpeg never lists the segment it has open. Segments are
 * fragmented MP4 flushed per fragment (ffmpeg-args.ts), so that file plays up to its last
 * complete fragment: it is probed with ffprobe and, if it holds video, kept and indexed like
 * any other segment (the gap then starts at its end); a file that does not probe is removed.
 *
 * Stall: neither a closed segment nor an advance of ffmpeg's output time for stallSeconds.
 * ffmpeg appends its -progress reports to a file of the run, whose tail is read at the
 * stall checks (on the service's one timer for all its checks), so a healthy recording
 * wakes the daemon only when a segment closes and at those checks.
 *
 * A stalled ffmpeg is stopped like a stopped recorder: SIGINT, so that it writes the MP4
 * trailer and lists the segment it has open (the minutes before a camera is cut are the
 * footage that matters), and SIGKILL only if it is still running after a grace (see
 * stallGraceMs). The gap then starts where that segment ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
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
import { probeSegment } from './probe-segment.js';

export type ClosedSegment = RecordedSegment;

/**
 * How long a stalled ffmpeg gets after SIGINT before SIGKILL. ffmpeg (5.1, Debian 12) acts on
 * a first SIGINT only between packets: its I/O interrupt callback fires from the second signal
 * on, and then also aborts the trailer write, so a second SIGINT would lose the segment too.
 * When the stream has gone silent, ffmpeg gives up by itself after about two I/O timeouts
 * (-timeout is the stall limit; measured 6.0-6.2 s for 3 s and 20.0-20.3 s for 10 s, RTSP over
 * UDP and TCP) and then writes the trailer; the stall is declared about one limit after the
 * last frame, so 1.5 limits plus 2 s for the trailer on a busy machine covers the rest. A
 * stream frozen behind a live connection (RTCP still flowing) never ends ffmpeg's read: there
 * the grace runs out, SIGKILL comes, and the open segment is kept up to its last complete
 * fragment (see keepPartial).
 */
export function stallGraceMs(stallMs: number): number {
  return Math.round(stallMs * 1.5) + 2000;
}

/** How long stop() waits after SIGINT for a healthy ffmpeg to close its segment. */
const STOP_GRACE_MS = 5000;

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
  /** ffprobe, for the segment a killed ffmpeg left open (default: `ffprobe` on the PATH). */
  ffprobePath?: string;
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
  /** ffmpeg's output time (µs) in its latest progress report (-1: none yet), and when that report was written. */
  private lastOutTime = -1;
  private lastOutTimeAt = 0;
  /** The current ffmpeg was found stalled and told to stop. */
  private stalled = false;
  /** ffmpegs that have had their SIGINT: when (real time) each is SIGKILLed if still running. */
  private readonly kills = new WeakMap<ChildProcess, { at: number; timer: NodeJS.Timeout }>();
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
    if (this.proc) this.interrupt(this.proc, STOP_GRACE_MS);
    // Always wait for the exit handler, even of a process that already exited: a start() that
    // overtook it would otherwise see its restart scheduled on top of the new run.
    await this.exited;
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
    this.stalled = false;
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
      this.lastOutTimeAt = now - (this.progress?.ageMs ?? 0);
      this.lastProgressAt = now;
      return;
    }
    if (now - this.lastProgressAt <= this.stallMs) return;
    const graceMs = stallGraceMs(this.stallMs);
    this.o.logger.warn({ camera: this.o.cameraId, stallMs: this.stallMs, graceMs }, 'recorder stalled: no new video from ffmpeg; stopping it to close its segment, then restarting it');
    // The gap is opened when ffmpeg has exited, after the segment it closes now (onExit).
    this.stalled = true;
    this.unwatchStall?.();
    this.interrupt(proc, graceMs);
  }

  /**
   * SIGINT once: ffmpeg stops reading, writes the MP4 trailer and lists the segment. SIGKILL
   * if it has not exited within graceMs, or sooner if an earlier call asked for sooner.
   */
  private interrupt(proc: ChildProcess, graceMs: number): void {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const at = Date.now() + graceMs;
    const earlier = this.kills.get(proc);
    if (earlier && earlier.at <= at) return;
    // Never a second SIGINT: ffmpeg would abort the trailer it is writing (see stallGraceMs).
    if (earlier) clearTimeout(earlier.timer);
    else proc.kill('SIGINT');
    const timer = setTimeout(() => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      this.o.logger.warn({ camera: this.o.cameraId, graceMs }, 'ffmpeg did not stop on SIGINT; killing it (its open segment is kept up to its last fragment)');
      proc.kill('SIGKILL');
    }, graceMs);
    this.kills.set(proc, { at, timer });
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
    this.anchor = this.anchorFor(parsed.entry.endS, now);
    const durationMs = Math.max(1, Math.round((parsed.entry.endS - parsed.entry.startS) * 1000));
    const endAt = Math.round(this.anchor + parsed.entry.endS * 1000);
    this.index(parsed.entry.file, endAt - durationMs, endAt, { closed: true });
  }

  /**
   * Hands a segment of the current run to the index (hashed off the event loop, in order),
   * after reporting the gap before it if one is open. A closed segment also resets the backoff;
   * a partial one does not (an ffmpeg killed over and over still backs off).
   */
  private index(name: string, start: number, end: number, o: { closed: boolean }): void {
    let startAt = start;
    let endAt = end;
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
    this.lastIndexedNames.add(name);
    const file = path.join(this.dir, name);
    const skewMs = this.o.skewMs();
    this.pending = this.pending.then(async () => {
      try {
        const { sha256, bytes } = await (this.o.hashFile ?? sha256OfFile)(file);
        this.segments += 1;
        if (o.closed) this.backoff = this.o.backoffMs ?? 1000;
        this.o.sink.segmentClosed({ cameraId: this.o.cameraId, startAt, endAt, path: file, bytes, sha256, skewMs });
      } catch (e) {
        this.o.logger.error({ camera: this.o.cameraId, file, err: (e as Error).message }, 'closed segment could not be indexed');
      }
    });
  }

  /**
   * Stream times map onto the wall clock through an anchor taken when the run's first segment
   * closes; re-anchored if they drift apart by more than 2 s (long stall, camera clock jumps).
   * A segment closed after a stall ended at the freeze, not now: it keeps the run's anchor,
   * or, as the run's first, takes it from the latest progress report (output time and mtime).
   */
  private anchorFor(endS: number, now: number): number {
    if (this.stalled) {
      if (this.anchor !== undefined) return this.anchor;
      if (this.lastOutTime >= 0) return this.lastOutTimeAt - this.lastOutTime / 1000;
      return now - endS * 1000;
    }
    if (this.anchor === undefined || Math.abs(this.anchor + endS * 1000 - now) > 2000) return now - endS * 1000;
    return this.anchor;
  }

  private async onExit(proc: ChildProcess, generation: number, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    if (this.proc === proc) this.proc = undefined;
    clearTimeout(this.kills.get(proc)?.timer);
    this.cancelTimer?.();
    this.progress?.close();
    await this.pending;
    await this.keepPartial();
    await this.pending;
    await this.removePartials();
    if (!this.running || generation !== this.generation) return;
    const reason = this.stalled ? 'stream stalled' : signal ? `ffmpeg killed (${signal})` : `ffmpeg exited (${code})`;
    // A run that ends before its first segment is the same gap as the one that started it
    // (disk full, camera offline): keep its start and its reason.
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

  /**
   * The finished run's last segment file that ffmpeg never listed (it was killed or crashed
   * with the file open): indexed if it probes as video, from the end of the run's previous
   * segment, or, as the run's first, back from its last write (the flush of its last complete
   * fragment), for the probed duration. Otherwise it is left to removePartials.
   */
  private async keepPartial(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const name = names.filter((n) => n.startsWith(this.runPrefix) && n.endsWith('.mp4') && !this.lastIndexedNames.has(n)).sort().pop();
    if (name === undefined) return;
    const file = path.join(this.dir, name);
    const probe = await probeSegment(file, this.o.ffprobePath);
    if (!probe.ok) {
      this.o.logger.warn({ camera: this.o.cameraId, file, reason: probe.reason }, 'unclosed segment of a dead ffmpeg does not play; removed');
      return;
    }
    // On the recorder's clock: how long ago (real time) the file was last written.
    const writtenAgoMs = await stat(file).then((s) => Math.max(0, Date.now() - s.mtimeMs)).catch(() => 0);
    const lastWriteAt = Math.round(this.o.clock.now() - writtenAgoMs);
    const durationMs = Math.max(1, Math.round(probe.durationS * 1000));
    const runHasSegments = this.anchor !== undefined && this.gapSince === undefined && this.lastEndAt !== undefined;
    const startAt = runHasSegments ? this.lastEndAt! : lastWriteAt - durationMs;
    this.o.logger.warn({ camera: this.o.cameraId, file, durationS: probe.durationS, frames: probe.frames }, 'kept the partial segment of a dead ffmpeg (up to its last complete fragment)');
    this.index(name, startAt, startAt + durationMs, { closed: false });
  }

  /** Files of the finished run that never made it into the segment list (nor were kept as partials): unplayable MP4s, the progress file. */
  private async removePartials(): Promise<void> {
    const indexed = this.lastIndexedNames;
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith(this.runPrefix) && !indexed.has(name)) await unlink(path.join(this.dir, name)).catch(() => undefined);
    }
    indexed.clear();
  }
}
