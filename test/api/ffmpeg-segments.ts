/** Real recorder-style MP4 segments for the footage playback tests, made with ffmpeg (fails under CI without it). */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { SEGMENT_FORMAT_OPTIONS } from '../../devices/recorder/ffmpeg-args.js';

const FFMPEG_HINT = 'apt-get install -y ffmpeg';

export function requireFfmpeg(what: string): boolean {
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0) return true;
  if (process.env.CI) throw new Error(`ffmpeg is required for ${what} (${FFMPEG_HINT})`);
  console.warn(`skipping ${what}: ffmpeg not found (${FFMPEG_HINT})`);
  return false;
}

/** Real recorder-style segments: H.264 test pattern, cut by the segment muxer into fragmented MP4 files as the recorder writes them. */
export function makeSegments(dir: string, count: number, seconds = 2): string[] {
  const r = spawnSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=10`, '-t', String(count * seconds),
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '10', '-f', 'segment', '-segment_time', String(seconds), '-segment_format', 'mp4',
    '-segment_format_options', SEGMENT_FORMAT_OPTIONS, '-reset_timestamps', '1',
    path.join(dir, 'seg%03d.mp4'),
  ]);
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr.toString()}`);
  return readdirSync(dir).filter((f) => f.endsWith('.mp4')).sort().map((f) => path.join(dir, f));
}
