/**
 * Is every visit's footage tagged to it? Judged from the simulator's ground truth, not
 * from the tagger's rules: where each visit's participants really were and when (every
 * zone from the passage that entered it to the one that left it), plus the visit's room
 * from its start to its end. Each camera covering such a zone should show the visit
 * then; the visit is fully tagged when every indexed segment of those cameras
 * overlapping those times carries the visit's tag. Time with no segment (a camera
 * offline) is a recording gap, reported beside, not a tagging miss.
 */
import type { FootageRepo } from '../../src/store/repos/footage.js';

export interface Presence {
  zone: string;
  from: number;
  to: number;
}

/** Where each visit's people really were: appended to as the simulator moves them. */
export class PresenceLog {
  private readonly open = new Map<string, { bookingId: string; zone: string; since: number }>();
  private readonly byVisit = new Map<string, Presence[]>();

  /** A person of `bookingId` is in `zone` from `at` (their previous zone ends there). */
  moved(personId: string, bookingId: string, zone: string, at: number): void {
    this.close(personId, at);
    this.open.set(personId, { bookingId, zone, since: at });
  }

  /** End of day: everyone's current zone ends now. */
  closeAll(at: number): void {
    for (const personId of [...this.open.keys()]) this.close(personId, at);
  }

  presence(bookingId: string): readonly Presence[] {
    return this.byVisit.get(bookingId) ?? [];
  }

  private close(personId: string, at: number): void {
    const o = this.open.get(personId);
    if (!o) return;
    this.open.delete(personId);
    const list = this.byVisit.get(o.bookingId) ?? [];
    // A walk straight through a zone still passes its camera: at least a moment.
    list.push({ zone: o.zone, from: o.since, to: Math.max(at, o.since + 1) });
    this.byVisit.set(o.bookingId, list);
  }
}

export interface VisitTruth {
  bookingId: string;
  label: string;
  roomZone: string | undefined;
  start: number;
  end: number;
  presence: readonly Presence[];
}

export interface CameraCoverage {
  id: string;
  zones: readonly string[];
}

export interface TagMiss {
  cameraId: string;
  zone: string;
  /** The segments that show the visit's people but are not tagged to the visit. */
  untagged: { startAt: number; endAt: number }[];
  /** When, by ground truth, the visit's people were in the zone (the first such time). */
  seen: { from: number; to: number };
}

export interface VisitFootageResult {
  bookingId: string;
  label: string;
  expectedSegments: number;
  taggedSegments: number;
  misses: TagMiss[];
  /** Segments tagged to the visit that, by ground truth, do not show its people (margins, caution). */
  taggedBeyondTruth: number;
  /** Time the visit should have been on camera but nothing was recorded (gaps). */
  unrecordedMs: number;
}

/** The expected (camera, zone, time) of one visit, from ground truth. */
export function expectedViews(v: VisitTruth, cameras: readonly CameraCoverage[]): { cameraId: string; zone: string; from: number; to: number }[] {
  const intervals = [...v.presence];
  if (v.roomZone) intervals.push({ zone: v.roomZone, from: v.start, to: v.end });
  return cameras.flatMap((c) => intervals.filter((i) => c.zones.includes(i.zone)).map((i) => ({ cameraId: c.id, zone: i.zone, from: i.from, to: i.to })));
}

export function checkVisitFootage(v: VisitTruth, cameras: readonly CameraCoverage[], footage: Pick<FootageRepo, 'overlapping' | 'segmentsTagged'>): VisitFootageResult {
  const tagged = new Set(footage.segmentsTagged('visit', v.bookingId).map((s) => s.id));
  const expected = new Set<number>();
  const missing = new Map<string, TagMiss>();
  let unrecordedMs = 0;
  for (const view of expectedViews(v, cameras)) {
    const segments = footage.overlapping(view.cameraId, view.from, view.to);
    let recorded = 0;
    for (const s of segments) {
      recorded += Math.min(s.endAt, view.to) - Math.max(s.startAt, view.from);
      if (expected.has(s.id)) continue;
      expected.add(s.id);
      if (tagged.has(s.id)) continue;
      const key = `${view.cameraId}|${view.zone}`;
      const miss = missing.get(key) ?? { cameraId: view.cameraId, zone: view.zone, untagged: [], seen: { from: view.from, to: view.to } };
      miss.untagged.push({ startAt: s.startAt, endAt: s.endAt });
      missing.set(key, miss);
    }
    unrecordedMs += Math.max(0, view.to - view.from - recorded);
  }
  const misses = [...missing.values()];
  const untaggedCount = misses.reduce((n, m) => n + m.untagged.length, 0);
  const taggedBeyondTruth = [...tagged].filter((id) => !expected.has(id)).length;
  return { bookingId: v.bookingId, label: v.label, expectedSegments: expected.size, taggedSegments: expected.size - untaggedCount, misses, taggedBeyondTruth, unrecordedMs };
}

/** One line per visit not fully tagged: which camera, which zone, which minutes. */
export function describeMiss(r: VisitFootageResult): string {
  const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
  const hms = (t: number) => new Date(t).toISOString().slice(11, 19);
  const parts = r.misses.map((m) => {
    const first = m.untagged[0]!;
    const last = m.untagged.at(-1)!;
    return `${m.cameraId} (${m.zone}) ${m.untagged.length} segment(s) ${hhmm(first.startAt)}-${hhmm(last.endAt)} UTC, people there ${hms(m.seen.from)}-${hms(m.seen.to)}`;
  });
  return `${r.label}: ${r.taggedSegments} of ${r.expectedSegments} segments tagged; untagged: ${parts.join('; ')}`;
}
