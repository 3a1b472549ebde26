/**
 * The daemon side of the recording benchmark, in a process of its own (as the daemon is):
 * the real recorder service (ffmpeg stream copy, hashing thread, segment index and
 * tagger in SQLite) recording the given RTSP streams. Its CPU is read from /proc by
 * bench/footage.ts, so nothing of the simulated cameras (RTSP server, publishers) run
 * by the benchmark process is counted as the daemon's. Driven over IPC.
 */
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../src/clock.js';
import { createFootageTagger } from '../src/footage/tagger.js';
import { footageRepo } from '../src/store/repos/footage.js';
import { openStore } from '../src/store/store.js';
import { createRecorderService } from '../devices/recorder/recorder-service.js';

export type RecorderJob =
  | { kind: 'setup'; uris: Record<string, string>; dataDir: string; segmentSeconds: number }
  | { kind: 'start' }
  | { kind: 'count' }
  | { kind: 'stop' };

export type RecorderReply = { kind: 'ready' } | { kind: 'recording' } | { kind: 'count'; segments: number } | { kind: 'stopped'; segments: number; files: string[] };

const logger = pino({ level: 'silent' });
const reply = (m: RecorderReply) => process.send!(m);
let session: ReturnType<typeof setup> | undefined;

function setup(job: Extract<RecorderJob, { kind: 'setup' }>) {
  const names = Object.keys(job.uris);
  const site = { cameras: names.map((id) => ({ id, name: id, zones: ['z'], onvif: { url: 'http://127.0.0.1/', username: 'x' } })), rooms: [] };
  const store = openStore(job.dataDir, systemClock);
  const footage = footageRepo(store.db, () => systemClock.now());
  const tagger = createFootageTagger({ store, footage, site, clock: systemClock, logger, evidence: { beforeSeconds: 60, afterSeconds: 240 } });
  const recorder = createRecorderService({
    cameraIds: names,
    footageDir: path.join(job.dataDir, 'footage'),
    streamUri: (id) => job.uris[id],
    skewMs: () => 0,
    sink: tagger.sink(),
    clock: systemClock,
    logger,
    segmentSeconds: job.segmentSeconds,
    minFreeBytes: 1,
  });
  return { store, footage, recorder, names };
}

process.on('message', (m: RecorderJob) => {
  void (async () => {
    switch (m.kind) {
      case 'setup':
        session = setup(m);
        return reply({ kind: 'ready' });
      case 'start':
        await session!.recorder.start();
        return reply({ kind: 'recording' });
      case 'count':
        return reply({ kind: 'count', segments: session!.footage.countLive() });
      case 'stop': {
        const s = session!;
        await s.recorder.stop();
        const files = s.names.flatMap((id) => s.footage.overlapping(id, 0, Number.MAX_SAFE_INTEGER).map((f) => f.path));
        const segments = s.footage.countLive();
        s.store.close();
        reply({ kind: 'stopped', segments, files });
        process.disconnect();
      }
    }
  })();
});
