/**
 * All cameras' recorders as one daemon Service, with disk-full protection: free space
 * on the footage volume is checked before every start and every few seconds; below
 * `minFreeBytes` the service asks retention to free the oldest untagged footage, and
 * if that is not enough it stops recording (recording a gap) rather than filling the
 * disk the database lives on, and resumes when space is back.
 */
import { statfs } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import { CameraRecorder, type RecorderSink } from './camera-recorder.js';
import { FileHasher } from './file-hasher.js';
import { CheckTimer, stallCheckPeriodMs } from './check-timer.js';

export interface RecorderServiceOptions {
  cameraIds: readonly string[];
  footageDir: string;
  /** From the camera service: RTSP URI once connected, and measured skew. */
  streamUri: (cameraId: string) => string | undefined;
  skewMs: (cameraId: string) => number;
  sink: RecorderSink;
  clock: Clock;
  logger: Logger;
  segmentSeconds?: number;
  transport?: 'udp' | 'tcp';
  stallSeconds?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Keep at least this much free on the footage volume (default 2 GiB). */
  minFreeBytes?: number;
  /** Called when space is low; frees what it can (oldest untagged first) and returns bytes freed. */
  freeSpace?: (bytesWanted: number) => Promise<number>;
  /** Free bytes on the footage volume (injectable for tests). */
  freeBytes?: (dir: string) => Promise<number>;
  diskCheckEveryMs?: number;
}

export interface RecorderService {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  recorders: ReadonlyMap<string, CameraRecorder>;
  /** True while recording is paused for lack of disk space. */
  readonly diskFull: boolean;
}

export async function volumeFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

export function createRecorderService(o: RecorderServiceOptions): RecorderService {
  const recorders = new Map<string, CameraRecorder>();
  let hasher: FileHasher | undefined;
  const hashFile = (file: string) => (hasher ??= new FileHasher(o.logger)).hash(file);
  const stallSeconds = o.stallSeconds ?? 10;
  // One timer for every camera's stall check and the free-space check.
  const checkTimer = new CheckTimer(o.clock, Math.min(o.diskCheckEveryMs ?? 5000, stallCheckPeriodMs(stallSeconds * 1000)));
  for (const cameraId of o.cameraIds) {
    recorders.set(
      cameraId,
      new CameraRecorder({
        cameraId,
        streamUri: () => o.streamUri(cameraId),
        skewMs: () => o.skewMs(cameraId),
        footageDir: o.footageDir,
        segmentSeconds: o.segmentSeconds ?? 60,
        transport: o.transport ?? 'udp',
        stallSeconds,
        backoffMs: o.backoffMs ?? 1000,
        maxBackoffMs: o.maxBackoffMs ?? 30_000,
        clock: o.clock,
        logger: o.logger,
        sink: o.sink,
        hashFile,
        checkTimer,
      }),
    );
  }
  const minFree = o.minFreeBytes ?? 2 * 1024 ** 3;
  const freeBytes = o.freeBytes ?? volumeFreeBytes;
  let diskFull = false;
  let pausedAt = 0;
  let stopDiskChecks: (() => void) | undefined;
  let checkingDisk = false;

  /** Returns true when there is room to record. */
  async function ensureSpace(): Promise<boolean> {
    let free = await freeBytes(o.footageDir);
    if (free >= minFree) return true;
    if (o.freeSpace) {
      const freed = await o.freeSpace(minFree - free);
      o.logger.warn({ free, minFree, freed }, 'footage disk low: deleted the oldest untagged footage');
      free = await freeBytes(o.footageDir);
    }
    return free >= minFree;
  }

  async function checkDisk(): Promise<void> {
    const ok = await ensureSpace().catch((e: unknown) => {
      o.logger.error({ err: (e as Error).message }, 'free-space check failed');
      return true;
    });
    if (!ok && !diskFull) {
      diskFull = true;
      pausedAt = o.clock.now();
      o.logger.error({ minFree }, 'footage disk full even after deleting untagged footage: recording paused');
      await Promise.all([...recorders.values()].map((r) => r.stop('disk full')));
    } else if (ok && diskFull) {
      diskFull = false;
      o.logger.info('footage disk has room again: recording resumed');
      for (const r of recorders.values()) r.start(pausedAt, 'disk full (recording paused)');
    }
  }

  /** Registers the free-space check on the shared timer; a check still running is not overlapped. */
  function scheduleDiskChecks(): void {
    stopDiskChecks = checkTimer.every(() => {
      if (checkingDisk) return;
      checkingDisk = true;
      void checkDisk().finally(() => (checkingDisk = false));
    });
  }

  return {
    name: 'recorder',
    recorders,
    get diskFull() {
      return diskFull;
    },
    async start() {
      hasher ??= new FileHasher(o.logger);
      const { mkdir } = await import('node:fs/promises');
      await mkdir(o.footageDir, { recursive: true, mode: 0o700 });
      if (await ensureSpace()) for (const r of recorders.values()) r.start();
      else {
        diskFull = true;
        pausedAt = o.clock.now();
        o.logger.error({ minFree }, 'footage disk full: recording not started');
      }
      scheduleDiskChecks();
    },
    async stop() {
      stopDiskChecks?.();
      stopDiskChecks = undefined;
      await Promise.all([...recorders.values()].map((r) => r.stop()));
      await hasher?.close();
      hasher = undefined;
    },
  };
}
