/**
 * Applies the tagging rules (tagging.ts) to the footage index: live as each segment
 * closes (it is the recorder's sink), again for a booking whenever it changes (the bus's
 * 'bookings-changed'), and for evidence holds raised by alerts, which also catch
 * segments that close later inside the hold window. A participant's access decision (a
 * sighting: where the visit really went) retags their booking once it is stored.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { EventBus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { SiteConfig } from '../config/schema.js';
import type { ClosedSegment, RecorderSink } from '../../devices/recorder/camera-recorder.js';
import type { FootageRepo, Segment } from '../store/repos/footage.js';
import type { Store } from '../store/store.js';
import { bookingsForSegment, cameraWindows, camerasCovering, evidenceWindow, overlaps, sightingOf, visitCoverage, type DoorSides, type Sighting, type VisitCoverage } from './tagging.js';

export interface FootageTaggerDeps {
  store: Store;
  footage: FootageRepo;
  site: Pick<SiteConfig, 'cameras' | 'rooms'> & { doors?: readonly DoorSides[] };
  clock: Clock;
  logger: Logger;
  bus?: EventBus;
  evidence: { beforeSeconds: number; afterSeconds: number };
  /** Time around a participant's first and last passage (walking to or from the car). */
  marginMs?: number;
}

/** Time around a participant's first and last passage that the visit's footage covers (default of marginMs). */
export const VISIT_MARGIN_MS = 10 * 60_000;

/** Bookings whose movements may reach this far from a segment are considered (planning horizon). */
const LOOKAROUND_MS = 4 * 3_600_000;
/** Decisions within this span share one lookup of who takes part in a booking around them. */
const PARTICIPANTS_SPAN_MS = 3_600_000;

export function createFootageTagger(d: FootageTaggerDeps) {
  const marginMs = d.marginMs ?? VISIT_MARGIN_MS;
  const roomZone = new Map(d.site.rooms.map((r) => [r.id, r.zone]));
  const cameraZones = new Map(d.site.cameras.map((c) => [c.id, c.zones]));
  const doors = new Map((d.site.doors ?? []).map((door) => [door.id, door]));
  /** Each booking's sightings as of its last retag, for tagging segments as they close. */
  const sightingsCache = new Map<string, { sightings: Sighting[]; until: number }>();
  const unsubscribers: (() => void)[] = [];
  let running = false;

  /**
   * Sightings heard on the bus but perhaps not yet in the decisions table (device decisions
   * are committed after the fact): used, door sides only, until the stored one is read.
   */
  const heard = new Map<string, Sighting[]>();

  /** The participants' access decisions around the booking (planning horizon), as sightings. */
  const sightingsOf = (b: { id: string; start: number; end: number; participants: readonly { personId: string }[] }): Sighting[] => {
    const people = new Set(b.participants.map((p) => p.personId));
    const decisions = d.store.decisions.list({ from: b.start - LOOKAROUND_MS, to: b.end + LOOKAROUND_MS, limit: 100_000 });
    const sightings = decisions.flatMap((x) => (x.personId && people.has(x.personId) ? [sightingOf(x, doors)].filter((s): s is Sighting => s !== undefined) : []));
    const stored = new Set(sightings.map((s) => `${s.personId}|${s.at}`));
    const unstored = (heard.get(b.id) ?? []).filter((s) => !stored.has(`${s.personId}|${s.at}`));
    if (unstored.length > 0) heard.set(b.id, unstored);
    else heard.delete(b.id);
    const now = d.clock.now();
    for (const [id, c] of sightingsCache) if (c.until < now) sightingsCache.delete(id);
    sightingsCache.set(b.id, { sightings: [...sightings, ...unstored], until: b.end + LOOKAROUND_MS });
    return [...sightings, ...unstored];
  };

  const coverageOf = (bookingId: string): VisitCoverage | undefined => {
    const b = d.store.bookings.get(bookingId);
    if (!b || b.status !== 'booked') return undefined;
    return visitCoverage(b, d.store.bookings.movements(b.id), roomZone.get(b.roomId), marginMs, sightingsOf(b));
  };

  /** Bookings to retag once their sightings are stored; retried while a heard one is not. */
  const retagDue = new Set<string>();
  const retries = new Map<string, number>();
  let retagScheduled = false;
  const scheduleRetag = (delayMs: number) => {
    if (retagScheduled) return;
    retagScheduled = true;
    setTimeout(() => {
      retagScheduled = false;
      if (!running) return retagDue.clear();
      for (const id of [...retagDue]) {
        retagDue.delete(id);
        try {
          tagger.retagBooking(id);
        } catch (e) {
          d.logger.error({ err: e, bookingId: id }, 'retagging a booking after a sighting failed');
        }
        // A decision never stored (its write failed, which the writer logs) is not waited for forever.
        const n = (retries.get(id) ?? 0) + 1;
        if (heard.has(id) && n < 20) {
          retries.set(id, n);
          retagDue.add(id);
        } else retries.delete(id);
      }
      if (retagDue.size > 0) scheduleRetag(500);
    }, delayMs);
  };
  /**
   * Who takes part in a booking around a span of time. Most decisions are staff at their
   * doors: theirs are no sightings, and this spares each of them a bookings query on the
   * event loop that answers the next tap. Dropped when bookings change.
   */
  let participantsNear: { from: number; to: number; people: ReadonlySet<string> } | undefined;
  const takesPartAround = (personId: string, at: number): boolean => {
    let near = participantsNear;
    if (!near || at < near.from || at >= near.to) {
      const from = at;
      const to = at + PARTICIPANTS_SPAN_MS;
      const bookings = d.store.bookings.listOverlapping(from - LOOKAROUND_MS, to + LOOKAROUND_MS);
      near = participantsNear = { from, to, people: new Set(bookings.flatMap((b) => b.participants.map((p) => p.personId))) };
    }
    return near.people.has(personId);
  };
  const sighted = (decision: { personId: string; doorId: string; at: number }) => {
    if (!takesPartAround(decision.personId, decision.at)) return;
    const sighting = sightingOf(decision, doors);
    if (!sighting) return;
    for (const b of d.store.bookings.listOverlapping(decision.at - LOOKAROUND_MS, decision.at + LOOKAROUND_MS)) {
      if (!b.participants.some((p) => p.personId === decision.personId)) continue;
      heard.set(b.id, [...(heard.get(b.id) ?? []), sighting]);
      retagDue.add(b.id);
    }
    if (retagDue.size > 0) scheduleRetag(0);
  };

  function tagLive(segment: Segment): void {
    const zones = cameraZones.get(segment.cameraId) ?? [];
    const window = { from: segment.startAt, to: segment.endAt };
    const coverages = d.store.bookings
      .listOverlapping(segment.startAt - LOOKAROUND_MS, segment.endAt + LOOKAROUND_MS)
      .map((b) => visitCoverage(b, d.store.bookings.movements(b.id), roomZone.get(b.roomId), marginMs, sightingsCache.get(b.id)?.sightings ?? []));
    for (const bookingId of bookingsForSegment(window, zones, coverages)) d.footage.tag(segment.id, 'visit', bookingId);
    for (const hold of d.footage.holdsEndingAfter(segment.startAt)) {
      if (hold.cameraIds.includes(segment.cameraId) && overlaps({ from: hold.fromAt, to: hold.toAt }, window)) {
        d.footage.tag(segment.id, 'evidence-hold', hold.alertId ?? hold.id);
      }
    }
  }

  const tagger = {
    /** RecorderSink: index the closed segment and tag it at once. */
    segmentClosed(closed: ClosedSegment): Segment {
      const segment = d.footage.addSegment(closed);
      try {
        tagLive(segment);
      } catch (e) {
        // Indexed but untagged is safe: retagging on the next booking change or sweep fixes it; retention keeps it for untaggedDays.
        d.logger.error({ err: e, segment: segment.id }, 'tagging a closed segment failed');
      }
      return segment;
    },
    gap(g: { cameraId: string; fromAt: number; toAt: number; reason: string }): void {
      d.footage.addGap(g);
      d.logger.warn({ camera: g.cameraId, seconds: Math.round((g.toAt - g.fromAt) / 1000), reason: g.reason }, 'recording gap');
    },
    /** Recomputes one booking's visit tags from its current times, room and movements. */
    retagBooking(bookingId: string): number {
      const coverage = coverageOf(bookingId);
      let tagged = 0;
      d.store.db.transaction(() => {
        d.footage.untagRef('visit', bookingId);
        if (!coverage) return;
        for (const [cameraId, zones] of cameraZones) {
          for (const w of cameraWindows(coverage, zones)) {
            const ids = d.footage.overlappingIds(cameraId, w.from, w.to);
            d.footage.tagMany(ids, 'visit', bookingId);
            tagged += ids.length;
          }
        }
      })();
      return tagged;
    },
    /**
     * For the alerts capability: holds the footage of every camera covering `zoneId` around
     * `at` (settings.alerts.evidenceBeforeSeconds/AfterSeconds), now and as segments close.
     */
    holdEvidence(input: { zoneId: string; at: number; alertId: string; reason?: string }): { holdId: string; cameraIds: string[]; fromAt: number; toAt: number; tagged: number } {
      const cameraIds = camerasCovering(input.zoneId, d.site.cameras);
      const w = evidenceWindow(input.at, d.evidence.beforeSeconds, d.evidence.afterSeconds);
      const holdId = randomUUID();
      let tagged = 0;
      d.store.db.transaction(() => {
        d.footage.addHold({ id: holdId, alertId: input.alertId, zoneId: input.zoneId, cameraIds, fromAt: w.from, toAt: w.to, reason: input.reason ?? 'alert' });
        for (const cameraId of cameraIds) {
          const ids = d.footage.overlappingIds(cameraId, w.from, w.to);
          d.footage.tagMany(ids, 'evidence-hold', input.alertId);
          tagged += ids.length;
        }
      })();
      d.store.audit.append({ actor: 'system', action: 'footage.hold', subject: `alert:${input.alertId}`, details: { zoneId: input.zoneId, cameraIds, fromAt: w.from, toAt: w.to, tagged } });
      return { holdId, cameraIds, fromAt: w.from, toAt: w.to, tagged };
    },
    sink(): RecorderSink {
      return { segmentClosed: (s) => void tagger.segmentClosed(s), gap: (g) => tagger.gap(g) };
    },
    start(): void {
      running = true;
      if (!d.bus) return;
      unsubscribers.push(
        d.bus.on('bookings-changed', ({ bookingId }) => {
          participantsNear = undefined;
          const n = tagger.retagBooking(bookingId);
          d.logger.debug({ bookingId, segments: n }, 'footage retagged after a booking change');
        }),
        d.bus.on('access-decision', ({ decision }) => {
          if (decision.personId && decision.doorId) sighted({ ...decision, personId: decision.personId, doorId: decision.doorId });
        }),
      );
    },
    stop(): void {
      running = false;
      unsubscribers.splice(0).forEach((off) => off());
    },
  };
  return tagger;
}

export type FootageTagger = ReturnType<typeof createFootageTagger>;
