/**
 * Pure rules for tagging footage to visits and alerts (no I/O, no clock).
 *
 * A visit is on camera wherever its people are: in its room from start to end (room
 * cameras), and along each participant's planned movements (entrance, waiting-room,
 * corridor and car-park cameras): through each door during its window, and in a zone
 * from the window of the movement that enters it to the window of the one that leaves.
 * People do not keep to the plan (late, early, waiting for a release, back for a bag),
 * so what the daemon saw is added: every access decision naming a participant at a door
 * (a card at a reader, a release) is a sighting, and between two sightings the person is
 * on either side of either door.
 * An alert holds the footage of every camera covering its zone from `before` ahead of
 * it to `after` behind it (default 1 min before, 4 min after; settings.alerts).
 */
import type { Booking, Movement } from '../domain/model.js';

export interface Interval {
  from: number;
  to: number;
}

export interface ZoneInterval extends Interval {
  zone: string;
}

export interface VisitCoverage {
  bookingId: string;
  intervals: ZoneInterval[];
}

export interface CameraZones {
  id: string;
  zones: readonly string[];
}

export const overlaps = (a: Interval, b: Interval): boolean => a.from < b.to && a.to > b.from;

/** A participant seen at a door (a card at one of its readers, a release): on one side of it or the other. */
export interface Sighting {
  personId: string;
  at: number;
  zones: readonly string[];
}

export interface DoorSides {
  id: string;
  from: string;
  to: string;
}

/**
 * The sighting an access decision makes. Either side of the door: which reader reported
 * is not proof of the side (one esp-rfid reader serves both directions), and a granted
 * person may or may not have gone through.
 */
export function sightingOf(d: { at: number; personId?: string; doorId?: string }, doors: ReadonlyMap<string, DoorSides>): Sighting | undefined {
  const door = d.doorId ? doors.get(d.doorId) : undefined;
  if (!door || !d.personId) return undefined;
  return { personId: d.personId, at: d.at, zones: [door.from, door.to] };
}

/**
 * Where sightings put each person: `marginMs` before the first and after the last around
 * its door; between two, anywhere either door leads (a person may have slipped through
 * a door unseen in between, so footage errs on keeping the visit).
 */
export function sightingIntervals(sightings: readonly Sighting[], marginMs: number): ZoneInterval[] {
  const byPerson = new Map<string, Sighting[]>();
  for (const s of sightings) byPerson.set(s.personId, [...(byPerson.get(s.personId) ?? []), s]);
  const out: ZoneInterval[] = [];
  const push = (zones: Iterable<string>, from: number, to: number) => {
    for (const zone of zones) out.push({ zone, from, to: Math.max(to, from + 1) });
  };
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.at - b.at);
    const first = list[0]!;
    const last = list.at(-1)!;
    push(first.zones, first.at - marginMs, first.at);
    list.forEach((s, i) => {
      const next = list[i + 1];
      if (next) push(new Set([...s.zones, ...next.zones]), s.at, next.at);
    });
    push(last.zones, last.at, last.at + marginMs);
  }
  return out;
}

/**
 * Where and when a visit's people are. `marginMs` covers the time before the first
 * planned passage and after the last (walking from or back to the car park). `sightings`
 * (the participants' access decisions, see sightingOf) add where they really went.
 */
export function visitCoverage(booking: Booking, movements: readonly Movement[], roomZone: string | undefined, marginMs: number, sightings: readonly Sighting[] = []): VisitCoverage {
  const intervals: ZoneInterval[] = [...sightingIntervals(sightings, marginMs)];
  if (roomZone) intervals.push({ zone: roomZone, from: booking.start, to: booking.end });
  const byPerson = new Map<string, Movement[]>();
  for (const m of movements) {
    if (m.bookingId !== booking.id) continue;
    byPerson.set(m.personId, [...(byPerson.get(m.personId) ?? []), m]);
  }
  for (const list of byPerson.values()) {
    list.sort((a, b) => a.windowStart - b.windowStart);
    list.forEach((m, i) => {
      // Passing through the door: seen on both sides.
      intervals.push({ zone: m.fromZone, from: m.windowStart, to: m.windowEnd }, { zone: m.toZone, from: m.windowStart, to: m.windowEnd });
      // Staying in the zone entered until the movement that leaves it.
      const leave = list.slice(i + 1).find((n) => n.fromZone === m.toZone);
      intervals.push({ zone: m.toZone, from: m.windowStart, to: leave ? leave.windowEnd : m.windowEnd + marginMs });
    });
    const first = list[0];
    if (first) intervals.push({ zone: first.fromZone, from: first.windowStart - marginMs, to: first.windowEnd });
  }
  return { bookingId: booking.id, intervals };
}

/** Merged time windows in which one camera shows the visit. */
export function cameraWindows(coverage: VisitCoverage, cameraZones: readonly string[]): Interval[] {
  const zones = new Set(cameraZones);
  const raw = coverage.intervals.filter((i) => zones.has(i.zone) && i.to > i.from).sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const i of raw) {
    const last = merged[merged.length - 1];
    if (last && i.from <= last.to) last.to = Math.max(last.to, i.to);
    else merged.push({ from: i.from, to: i.to });
  }
  return merged;
}

/** Bookings a segment of this camera is to be tagged with. */
export function bookingsForSegment(segment: Interval, cameraZones: readonly string[], coverages: readonly VisitCoverage[]): string[] {
  return coverages.filter((c) => cameraWindows(c, cameraZones).some((w) => overlaps(w, segment))).map((c) => c.bookingId);
}

export function camerasCovering(zoneId: string, cameras: readonly CameraZones[]): string[] {
  return cameras.filter((c) => c.zones.includes(zoneId)).map((c) => c.id);
}

export function evidenceWindow(at: number, beforeSeconds: number, afterSeconds: number): Interval {
  return { from: at - beforeSeconds * 1000, to: at + afterSeconds * 1000 };
}

/**
 * Supported contact puts several families in one room: its footage shows other families,
 * so an export needs the safeguarding lead's sign-off (DESIGN.md). A supervised visit in a
 * room that can be shared has that room to itself.
 */
export function showsOtherFamilies(booking: Pick<Booking, 'serviceType'>): boolean {
  return booking.serviceType === 'supported';
}
