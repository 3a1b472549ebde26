/**
 * Footage: (1) CPU and memory of recording 8 cameras through the daemon's recorder
 * (ffmpeg stream copy + segment hashing, indexing and tagging in SQLite, in a process of
 * its own: bench/footage-recorder.ts) against the same 8 ffmpeg commands alone, recording
 * the simulator's RTSP streams side by side, in both connection orders;
 * (2) finding a visit's segments in an index of 10 million segments; (3) a retention
 * sweep over 1 million segments. Quick mode shrinks the index and the recording time.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ManualClock, systemClock } from '../src/clock.js';
import { createRetention } from '../src/footage/retention-service.js';
import { footageRepo } from '../src/store/repos/footage.js';
import { openStore } from '../src/store/store.js';
import { recorderArgs } from '../devices/recorder/ffmpeg-args.js';
import { RtspTestServer } from '../simulators/onvif/rtsp-stream.js';
import { FileHasher } from '../devices/recorder/file-hasher.js';
import type { BenchContext, BenchSuite } from './suite.js';
import type { RecorderJob, RecorderReply } from './footage-recorder.js';
import { percentile } from './stats.js';

const logger = pino({ level: 'silent' });
const CAMERAS = 8;
const TICKS = 100; // /proc/<pid>/stat clock ticks per second (USER_HZ on Linux)

/** CPU seconds (user + system) and RSS in MB of one process, from /proc. */
export function procUsage(pid: number): { cpuS: number; rssMb: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuS = (Number(fields[11]) + Number(fields[12])) / TICKS;
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuS, rssMb: Number(rss?.[1] ?? 0) / 1024 };
  } catch {
    return { cpuS: 0, rssMb: 0 };
  }
}

/** Recorder ffmpeg processes, found by their output folder on the command line. */
function ffmpegPidsWriting(dirPrefix: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('ffmpeg') && cmd.includes(dirPrefix)) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** CPU seconds each group of processes used over `seconds` (all threads, from /proc), and their RSS at the end. */
async function sample<G extends string>(seconds: number, groups: Record<G, () => number[]>): Promise<Record<G, { cpu: number; rss: number }>> {
  const entries = Object.entries(groups) as [G, () => number[]][];
  const start = new Map(entries.flatMap(([, pids]) => pids().map((p) => [p, procUsage(p).cpuS] as const)));
  await new Promise((r) => setTimeout(r, 1000 * seconds));
  const out = {} as Record<G, { cpu: number; rss: number }>;
  for (const [name, pids] of entries) {
    let cpu = 0;
    let rss = 0;
    for (const p of pids()) {
      const u = procUsage(p);
      cpu += u.cpuS - (start.get(p) ?? u.cpuS);
      rss += u.rssMb;
    }
    out[name] = { cpu, rss };
  }
  return out;
}

/** bench/footage-recorder.ts in a child process, asked one thing at a time. */
export function recorderProcess() {
  const child = fork(fileURLToPath(new URL('./footage-recorder.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    pid: child.pid!,
    ask<K extends RecorderReply['kind']>(job: RecorderJob, want: K): Promise<Extract<RecorderReply, { kind: K }>> {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`benchmark recorder exited with ${code}`));
        child.once('exit', onExit);
        child.once('message', (m: RecorderReply) => {
          child.off('exit', onExit);
          if (m.kind === want) resolve(m as Extract<RecorderReply, { kind: K }>);
          else reject(new Error(`benchmark recorder answered ${m.kind}, expected ${want}`));
        });
        child.send(job);
      });
    },
  };
}

interface SideBySide {
  alone: { cpu: number; rss: number };
  ffmpegs: { cpu: number; rss: number };
  node: { cpu: number; rss: number };
  nodeRssGrowth: number;
  segmentsDuring: number;
  segments: number;
  files: string[];
}

/** Waits until the daemon has indexed a segment per camera, then 5 s more (the other group started up to 2 s later). */
async function firstSegments(daemon: ReturnType<typeof recorderProcess>, cameras: number, segmentSeconds: number): Promise<void> {
  const deadline = Date.now() + (segmentSeconds + 60) * 1000;
  while ((await daemon.ask({ kind: 'count' }, 'count')).segments < cameras) {
    if (Date.now() > deadline) throw new Error(`footage bench: the daemon indexed fewer than ${cameras} segments within ${segmentSeconds + 60} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 5000));
}

/**
 * One phase: the daemon's recorder (in a process of its own) and the same 8 ffmpeg command
 * lines alone record the same streams at the same time, so a slow spell of the machine lands
 * on both. `daemonFirst` says which group connects to the RTSP server first: the group that
 * connects second was measured to use about 10% more CPU, so the benchmark runs both orders.
 */
async function sideBySide(ctx: BenchContext, rtsp: RtspTestServer, names: string[], root: string, o: { daemonFirst: boolean; seconds: number; segmentSeconds: number }): Promise<SideBySide> {
  const label = o.daemonFirst ? 'daemon-first' : 'alone-first';
  const aloneDir = path.join(root, `alone-${label}`);
  const dataDir = path.join(root, `daemon-${label}`);
  const footageDir = path.join(dataDir, 'footage');
  const daemon = recorderProcess();
  await daemon.ask({ kind: 'setup', uris: Object.fromEntries(names.map((n) => [n, rtsp.uri(n)])), dataDir, segmentSeconds: o.segmentSeconds }, 'ready');
  let alone: ChildProcess[] = [];
  const startAlone = () => {
    alone = names.map((name) => {
      mkdirSync(path.join(aloneDir, name), { recursive: true });
      const args = recorderArgs({ inputUri: rtsp.uri(name), outputDir: path.join(aloneDir, name), pattern: `${name}-%06d.mp4`, segmentSeconds: o.segmentSeconds, transport: 'udp', ioTimeoutSeconds: 10, progressFile: path.join(aloneDir, `${name}-progress.txt`), progressSeconds: 2 });
      return spawn('ffmpeg', args, { stdio: ['ignore', 'ignore', 'ignore'] });
    });
  };
  const startDaemon = () => daemon.ask({ kind: 'start' }, 'recording');
  const gap = () => new Promise((r) => setTimeout(r, 2000));
  if (o.daemonFirst) {
    await startDaemon();
    await gap();
    startAlone();
  } else {
    startAlone();
    await gap();
    await startDaemon();
  }
  // Outside the sample: RTSP set-up, and in the full run each camera's first segment close
  // (the close path's code is compiled then, once per process; it made a 120-s sample about a
  // tenth dearer on the daemon's side). Recording goes on for days: the sample is of steady
  // recording, as the other suites time after a warm-up.
  if (ctx.quick) await new Promise((r) => setTimeout(r, 2000));
  else await firstSegments(daemon, names.length, o.segmentSeconds);
  ctx.log(`footage: daemon recorder and ffmpeg alone side by side (${label}), ${names.length} cameras each, ${o.seconds}s`);
  const rssBefore = procUsage(daemon.pid).rssMb;
  const segmentsBefore = (await daemon.ask({ kind: 'count' }, 'count')).segments;
  const s = await sample(o.seconds, {
    alone: () => alone.map((p) => p.pid!).filter(Boolean),
    ffmpegs: () => ffmpegPidsWriting(footageDir),
    node: () => [daemon.pid],
  });
  const segmentsDuring = (await daemon.ask({ kind: 'count' }, 'count')).segments - segmentsBefore;
  const nodeRssGrowth = procUsage(daemon.pid).rssMb - rssBefore;
  const { segments, files } = await daemon.ask({ kind: 'stop' }, 'stopped');
  for (const p of alone) p.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(aloneDir, { recursive: true, force: true });
  return { ...s, nodeRssGrowth, segmentsDuring, segments, files };
}

async function recording(ctx: BenchContext): Promise<Record<string, number>> {
  const names = Array.from({ length: CAMERAS }, (_, i) => `cam-${i}`);
  const rtsp = new RtspTestServer({ mounts: names });
  await rtsp.start();
  // The full run records at the production settings (one-minute segments, the default) over
  // two minutes, so every camera closes, hashes and indexes two segments inside each sample.
  const seconds = ctx.quick ? 6 : 120;
  const segmentSeconds = ctx.quick ? 2 : 60;
  const root = mkdtempSync(path.join(tmpdir(), 'contactd-bench-rec-'));
  // Full run: 640x360 15 fps at 1 Mbit/s (closer to a camera's stream than the tiny test pattern);
  // the 8 publishers' encoding load is the same in both phases. Quick run: 320x240 10 fps.
  for (const name of names) rtsp.publish(ctx.quick ? { name, fps: 10, keyframeSeconds: 1 } : { name, width: 640, height: 360, fps: 15, keyframeSeconds: 1, bitrate: '1M' });
  try {
    await new Promise((r) => setTimeout(r, 1500));
    // The daemon process's own CPU while not recording, once start-up has settled: sampled
    // straight after set-up it counted start-up's compilation and collections (27 ms in the
    // first 15 s, nothing after, by /proc/<pid>/task/*/schedstat), as the phases below do not.
    const idleSeconds = ctx.quick ? 3 : 30;
    const idleProbe = recorderProcess();
    await idleProbe.ask({ kind: 'setup', uris: {}, dataDir: path.join(root, 'idle'), segmentSeconds }, 'ready');
    await new Promise((r) => setTimeout(r, ctx.quick ? 1000 : 10_000));
    const idle = await sample(idleSeconds, { node: () => [idleProbe.pid] });
    await idleProbe.ask({ kind: 'stop' }, 'stopped');
    // Side by side in both orders (a crossover): one group recording after the other was
    // tried first and its ffmpeg CPU drifted by up to 17% between two-minute runs of the
    // very same command lines, more than the 5% to be judged.
    const phases = [
      await sideBySide(ctx, rtsp, names, root, { daemonFirst: true, seconds, segmentSeconds }),
      await sideBySide(ctx, rtsp, names, root, { daemonFirst: false, seconds, segmentSeconds }),
    ];
    const [first, second] = phases as [SideBySide, SideBySide];
    const total = (f: (p: SideBySide) => number) => phases.reduce((a, p) => a + f(p), 0);
    const mean = (f: (p: SideBySide) => number) => total(f) / phases.length;
    const daemonCpu = (p: SideBySide) => p.ffmpegs.cpu + p.node.cpu;
    const segmentsDuring = total((p) => p.segmentsDuring);
    // What SHA-256 of every recorded byte costs, measured by hashing the same files again
    // the way the recorder does (its hashing thread; process CPU counts every thread).
    const files = phases.flatMap((p) => p.files);
    const hasher = new FileHasher(logger);
    await hasher.hash(files[0]!);
    const hashStart = process.cpuUsage();
    for (const f of files) await hasher.hash(f);
    const hashAll = process.cpuUsage(hashStart);
    await hasher.close();
    const hashCpuS = ((hashAll.user + hashAll.system) / 1e6) * (segmentsDuring / Math.max(1, files.length)) / phases.length;
    return {
      // Both phases summed: the order effect cancels.
      record_cpu_ratio_8cam: total(daemonCpu) / total((p) => p.alone.cpu),
      record_cpu_ratio_8cam_daemon_first: daemonCpu(first) / first.alone.cpu,
      record_cpu_ratio_8cam_daemon_second: daemonCpu(second) / second.alone.cpu,
      record_ffmpeg_cpu_ratio_8cam: total((p) => p.ffmpegs.cpu) / total((p) => p.alone.cpu),
      // CPU seconds over one sample of `record_sample_seconds` (the mean of the two phases).
      record_ffmpeg_alone_cpu_s_8cam: mean((p) => p.alone.cpu),
      record_daemon_ffmpeg_cpu_s_8cam: mean((p) => p.ffmpegs.cpu),
      record_daemon_total_cpu_s_8cam: mean(daemonCpu),
      record_daemon_node_cpu_s_8cam: mean((p) => p.node.cpu),
      record_daemon_node_cpu_ms_per_segment: (total((p) => p.node.cpu) * 1000) / Math.max(1, segmentsDuring),
      // Scaled to the sample's length.
      record_daemon_node_idle_cpu_s: (idle.node.cpu * seconds) / idleSeconds,
      record_daemon_hash_cpu_s_8cam: hashCpuS,
      record_cpu_ratio_8cam_less_hash: (total(daemonCpu) - hashCpuS * phases.length) / total((p) => p.alone.cpu),
      record_ffmpeg_alone_rss_mb_8cam: mean((p) => p.alone.rss),
      record_daemon_ffmpeg_rss_mb_8cam: mean((p) => p.ffmpegs.rss),
      record_daemon_node_rss_mb: mean((p) => p.node.rss),
      record_daemon_node_rss_growth_mb: mean((p) => p.nodeRssGrowth),
      record_segments_indexed: total((p) => p.segments),
      record_stream_kbit_s: ctx.quick ? 0 : 1000,
      record_segment_seconds: segmentSeconds,
      record_sample_seconds: seconds,
    };
  } finally {
    await rtsp.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

const SEGMENT_MS = 60_000;

/** Fills the index with `n` segments of `segmentMs` round-robin over 9 cameras, in SQL (fast). */
function fillIndex(db: import('better-sqlite3').Database, n: number, startAt: number, cameras: number, segmentMs = SEGMENT_MS): void {
  db.exec(`
    WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n - 1})
    INSERT INTO footage_segments (camera_id, start_at, end_at, path, bytes, sha256, skew_ms, created_at)
    SELECT 'cam-' || (i % ${cameras}), ${startAt} + (i / ${cameras}) * ${segmentMs}, ${startAt} + (i / ${cameras} + 1) * ${segmentMs},
           '/footage/' || i || '.mp4', 1000000, 'x', 0, 0 FROM seq`);
}

async function lookup(ctx: BenchContext): Promise<Record<string, number>> {
  const n = ctx.quick ? 1_000_000 : 10_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'contactd-bench-idx-'));
  try {
    const store = openStore(dir, systemClock);
    const start = Date.parse('2024-01-01T00:00:00Z');
    const t0 = performance.now();
    store.db.transaction(() => fillIndex(store.db, n, start, 9))();
    ctx.log(`footage: indexed ${n} segments in ${((performance.now() - t0) / 1000).toFixed(1)}s`);
    const footage = footageRepo(store.db, () => 0);
    const span = (n / 9) * SEGMENT_MS;
    // A 2-hour visit somewhere in the index, seen by 4 cameras (room, entrance, waiting, car park):
    // finding its segments (ids, as tagging does) and reading their full rows (as export does).
    const measure = (find: (cam: string, from: number, to: number) => number) => {
      const times: number[] = [];
      let found = 0;
      for (let i = 0; i < 2000; i++) {
        const from = start + Math.floor(Math.random() * (span - 3 * 3_600_000));
        const t = performance.now();
        for (const cam of ['cam-0', 'cam-3', 'cam-5', 'cam-8']) found += find(cam, from, from + 2 * 3_600_000);
        times.push(performance.now() - t);
      }
      return { p99: percentile(times, 99), p50: percentile(times, 50), found: found / 2000 };
    };
    const ids = measure((cam, from, to) => footage.overlappingIds(cam, from, to).length);
    const rows = measure((cam, from, to) => footage.overlapping(cam, from, to).length);
    store.close();
    return {
      segment_lookup_p99_ms: ids.p99,
      segment_lookup_p50_ms: ids.p50,
      segment_lookup_rows_p99_ms: rows.p99,
      segment_lookup_index_size: n,
      segment_lookup_avg_found: ids.found,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sweep(ctx: BenchContext): Promise<Record<string, number>> {
  const n = ctx.quick ? 200_000 : 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), 'contactd-bench-ret-'));
  try {
    const start = Date.parse('2024-01-01T00:00:00Z');
    // 9 cameras over 77 days (1M one-minute segments; fewer, longer ones in quick mode); the sweep runs at the end.
    const segmentMs = Math.round((77 * 86_400_000 * 9) / n);
    const end = start + (n / 9) * segmentMs;
    const clock = new ManualClock(end);
    const store = openStore(dir, clock);
    store.db.transaction(() => {
      fillIndex(store.db, n, start, 9, segmentMs);
      // One segment in five is a visit's (case open: kept), one in a thousand held.
      store.db.exec(`INSERT INTO footage_tags (segment_id, kind, ref_id, created_at) SELECT id, 'visit', 'b-' || (id / 500), 0 FROM footage_segments WHERE id % 5 = 0`);
      store.db.exec(`INSERT INTO footage_tags (segment_id, kind, ref_id, created_at) SELECT id, 'evidence-hold', 'a-' || (id / 500), 0 FROM footage_segments WHERE id % 1000 = 1`);
    })();
    const footage = footageRepo(store.db, () => clock.now());
    const retention = createRetention({ store, footage, clock, logger, settings: { untaggedDays: 30, visitDaysAfterCaseClosed: 180 }, removeFile: async () => undefined });
    const t0 = performance.now();
    const result = await retention.sweep();
    const seconds = (performance.now() - t0) / 1000;
    ctx.log(`footage: retention sweep over ${n} segments deleted ${result.deleted} in ${seconds.toFixed(2)}s`);
    store.close();
    return { retention_sweep_1m_s: seconds * (1_000_000 / n), retention_sweep_segments: n, retention_sweep_deleted: result.deleted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const footageSuite: BenchSuite = {
  name: 'footage',
  async run(ctx) {
    // Recording first: the index phases leave garbage whose collection would land in its CPU sample.
    return { ...(await recording(ctx)), ...(await lookup(ctx)), ...(await sweep(ctx)) };
  },
};
