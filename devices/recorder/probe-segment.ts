/**
 * ffprobe of a segment file that ffmpeg never closed (killed or crashed mid-segment): as
 * fragmented MP4 it plays up to its last complete fragment, and ffprobe reads that part's
 * duration and counts its video packets (a demux only, no decoding; each video packet is a
 * frame). Bounded by a timeout: a hung ffprobe must not hold up the recorder's restart.
 */
import { execFile } from 'node:child_process';

export type SegmentProbe = { ok: true; durationS: number; frames: number } | { ok: false; reason: string };

const PROBE_TIMEOUT_MS = 15_000;

export function probeSegment(file: string, ffprobePath = 'ffprobe', timeoutMs = PROBE_TIMEOUT_MS): Promise<SegmentProbe> {
  const args = ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'format=duration:stream=nb_read_packets', '-of', 'json', file];
  return new Promise((resolve) => {
    execFile(ffprobePath, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const why = err.killed ? `ffprobe timed out after ${timeoutMs} ms` : String(stderr || err.message).trim().slice(0, 200);
        resolve({ ok: false, reason: why });
        return;
      }
      resolve(parseProbe(stdout));
    });
  });
}

/** Reads ffprobe's JSON: a positive duration and at least one video frame, or why not. */
export function parseProbe(json: string): SegmentProbe {
  let out: { format?: { duration?: unknown }; streams?: { nb_read_packets?: unknown }[] };
  try {
    out = JSON.parse(json) as typeof out;
  } catch {
    return { ok: false, reason: 'unreadable ffprobe output' };
  }
  const durationS = Number(out.format?.duration);
  const frames = Number(out.streams?.[0]?.nb_read_packets);
  if (!Number.isFinite(durationS) || durationS <= 0) return { ok: false, reason: 'no duration' };
  if (!Number.isInteger(frames) || frames < 1) return { ok: false, reason: 'no video frame' };
  return { ok: true, durationS, frames };
}
