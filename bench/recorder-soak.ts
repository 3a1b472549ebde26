/**
 * `node dist/bench/recorder-soak.js [--minutes 12] [--segment-seconds 10]`: the daemon's
 * recorder (bench/footage-recorder.ts, its own process) records 8 simulated cameras at
 * 1 Mbit/s for a long run; its resident memory and the segments indexed are printed every
 * 30 s, to see whether memory levels off. Short segments multiply the per-segment work
 * (hash, index, tag). Not in `npm run bench`: it takes minutes on purpose.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RtspTestServer } from '../simulators/onvif/rtsp-stream.js';
import { procUsage, recorderProcess } from './footage.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} takes a positive number`);
  return value;
}

const minutes = option('--minutes', 12);
const segmentSeconds = option('--segment-seconds', 10);
const names = Array.from({ length: 8 }, (_, i) => `cam-${i}`);
const rtsp = new RtspTestServer({ mounts: names });
const root = mkdtempSync(path.join(tmpdir(), 'contactd-soak-'));
try {
  await rtsp.start();
  for (const name of names) rtsp.publish({ name, width: 640, height: 360, fps: 15, keyframeSeconds: 1, bitrate: '1M' });
  const recorder = recorderProcess();
  await recorder.ask({ kind: 'setup', uris: Object.fromEntries(names.map((n) => [n, rtsp.uri(n)])), dataDir: root, segmentSeconds }, 'ready');
  await recorder.ask({ kind: 'start' }, 'recording');
  const t0 = Date.now();
  let low = Infinity;
  let high = 0;
  for (let i = 0; i <= minutes * 2; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 30_000));
    const { segments } = await recorder.ask({ kind: 'count' }, 'count');
    const rss = procUsage(recorder.pid).rssMb;
    [low, high] = [Math.min(low, rss), Math.max(high, rss)];
    console.log(`${((Date.now() - t0) / 60_000).toFixed(1)} min  recorder RSS ${rss.toFixed(1)} MB  segments ${segments}`);
  }
  await recorder.ask({ kind: 'stop' }, 'stopped');
  console.log(`recorder RSS between ${low.toFixed(1)} and ${high.toFixed(1)} MB over ${minutes} min`);
} finally {
  await rtsp.stop();
  rmSync(root, { recursive: true, force: true });
}
