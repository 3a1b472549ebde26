/**
 * What a visit's footage player needs, per camera: the segments tagged to the visit in
 * time order, and the gaps in them. A gap is either one the recorder reported (ffmpeg
 * stalled, disk full, camera offline: with its reason) or a stretch of the time the
 * camera should show the visit (tagging.ts cameraWindows) with no segment and no
 * reported gap (the recorder or the daemon was not running). Cameras that should show
 * the visit but recorded nothing of it are listed too, as one gap. Time still to come
 * is not a gap.
 */
import type { SiteConfig } from '../config/schema.js';
import type { Booking, Movement } from '../domain/model.js';
import type { FootageRepo, Segment } from '../store/repos/footage.js';
import { cameraWindows, showsOtherFamilies, visitCoverage, type Interval } from './tagging.js';
import { VISIT_MARGIN_MS } from './tagger.js';

export interface PlaybackSegment {
  id: number;
  start: number;
  end: number;
  bytes: number;
  sha256: string;
  /** Measured camera clock skew when recorded (ms); times are as recorded. */
  skewMs: number;
}

export interface PlaybackGap {
  from: number;
  to: number;
  reason: string;
}

export interface PlaybackCamera {
  cameraId: string;
  name: string;
  from: number;
  to: number;
  segments: PlaybackSegment[];
  gaps: PlaybackGap[];
}

export interface VisitPlayback {
  bookingId: string;
  start: number;
  end: number;
  /** Supported contact in a shared room: other families appear. */
  sharedRoom: boolean;
  cameras: PlaybackCamera[];
}

export const NOT_RECORDED = 'not recorded';

/** Parts of `windows` covered neither by a segment nor by a reported gap. */
function unrecorded(windows: readonly Interval[], covered: readonly Interval[]): Interval[] {
  const holes: Interval[] = [];
  const sorted = [...covered].sort((a, b) => a.from - b.from);
  for (const w of windows) {
    let at = w.from;
    for (const c of sorted) {
      if (c.to <= at || c.from >= w.to) continue;
      if (c.from > at) holes.push({ from: at, to: c.from });
      at = Math.max(at, c.to);
    }
    if (at < w.to) holes.push({ from: at, to: w.to });
  }
  return holes;
}

function cameraPlayback(footage: FootageRepo, camera: { id: string; name: string }, windows: readonly Interval[], segments: readonly Segment[]): PlaybackCamera | undefined {
  const edges = [...windows, ...segments.map((s) => ({ from: s.startAt, to: s.endAt }))];
  if (edges.length === 0) return undefined;
  const from = Math.min(...edges.map((e) => e.from));
  const to = Math.max(...edges.map((e) => e.to));
  const reported = footage.gaps(camera.id, from, to).map((g) => ({ from: Math.max(g.fromAt, from), to: Math.min(g.toAt, to), reason: g.reason }));
  const covered = [...segments.map((s) => ({ from: s.startAt, to: s.endAt })), ...reported];
  const gaps = [...reported, ...unrecorded(windows, covered).map((h) => ({ ...h, reason: NOT_RECORDED }))].sort((a, b) => a.from - b.from);
  return {
    cameraId: camera.id,
    name: camera.name,
    from,
    to,
    segments: segments.map((s) => ({ id: s.id, start: s.startAt, end: s.endAt, bytes: s.bytes, sha256: s.sha256, skewMs: s.skewMs })),
    gaps,
  };
}

export function visitPlayback(
  footage: FootageRepo,
  site: Pick<SiteConfig, 'cameras' | 'rooms'>,
  booking: Booking,
  movements: readonly Movement[],
  now: number,
): VisitPlayback {
  const roomZone = site.rooms.find((r) => r.id === booking.roomId)?.zone;
  const coverage = visitCoverage(booking, movements, roomZone, VISIT_MARGIN_MS);
  const tagged = footage.segmentsTagged('visit', booking.id);
  const cameras: PlaybackCamera[] = [];
  for (const camera of site.cameras) {
    // Only the time already past can have been recorded.
    const windows = booking.status === 'booked' ? cameraWindows(coverage, camera.zones).filter((w) => w.from < now).map((w) => ({ from: w.from, to: Math.min(w.to, now) })) : [];
    const segments = tagged.filter((s) => s.cameraId === camera.id).sort((a, b) => a.startAt - b.startAt);
    const entry = cameraPlayback(footage, camera, windows, segments);
    if (entry) cameras.push(entry);
  }
  return { bookingId: booking.id, start: booking.start, end: booking.end, sharedRoom: showsOtherFamilies(booking), cameras };
}
