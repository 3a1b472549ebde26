/**
 * ffprobe of a segment file that ffmpeg never closed (killed or crashed mid-segment): as
 * fragmented MP4 it plays up to its last complete fragment. ffprobe lists the video packets it
 * can read (a demux only, no decoding; each video packet is a frame), and the footage runs from
 * the first one's time to the end of the last. Not the container's duration: a fragment cut off
 * mid-write still announces its full length (measured: 5.0 s announced, 4.3 s of frames).
 * Bounded by a timeout: a hung ffprobe must not hold up the recorder's restart.
 */
import { execFile } from 'node:child_process';

export type SegmentProbe = { ok: true; durationS: number; frames: number } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 15_000;
/** 30 fps for 10 minutes at ~25 bytes a line, with room to spare. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export function probeSegment(file: string, ffprobePath = 'ffprobe', timeoutMs = PROBE_TIMEOUT_MS): Promise<SegmentProbe> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file];
  return new Promise((resolve) => {
    execFile(ffprobePath, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `ffprobe timed out after ${timeoutMs} ms` : String(stderr || err.message).trim().slice(0, 200);
        resolve({ ok: false, reason: why });
        return;
      }
      resolve(parsePackets(stdout));
    });
  });
}

/**
 * Reads ffprobe's `pts_time,duration_time` lines: at least one video frame and a positive span
 * from the earliest frame to the end of the latest, or why not. Lines without a time are skipped.
 */
export function parsePackets(csv: string): SegmentProbe {
  let frames = 0;
  let first = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const line of csv.split('\n')) {
    const [ptsText, durText] = line.trim().split(',');
    const pts = timeOf(ptsText);
    if (pts === undefined) continue;
    frames += 1;
    first = Math.min(first, pts);
    end = Math.max(end, pts + (timeOf(durText) ?? 0));
  }
  if (frames === 0) return { ok: false, reason: 'no video frame' };
  const durationS = end - first;
  if (!(durationS > 0) || !Number.isFinite(durationS)) return { ok: false, reason: 'no duration' };
  return { ok: true, durationS, frames };
}

function timeOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) return undefined;
  return Number(text);
}
