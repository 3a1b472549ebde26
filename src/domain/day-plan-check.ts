/**
 * Checks a day's plan for meetings (issue 3, "Stagger planner"): every keep-apart pair
 * across all bookings of the day, in every tracked zone (the street, zone kind 'outside',
 * is never tracked). Conservative: a person may pass a door at any instant of its window,
 * so they may be in the zone behind it from the window's start until the end of the window
 * of the door that leads out of it.
 */
import type { KeepApartPair, Movement } from './model.js';
import type { SiteIndex } from './site-index.js';
import { formatLocalTime } from './local-time.js';

export interface PresenceInterval {
  personId: string;
  zoneId: string;
  from: number;
  to: number;
  bookingId: string;
}

export interface Conflict {
  a: string;
  b: string;
  zoneId: string;
  /** The instants both may be in the zone: [from, to). */
  from: number;
  to: number;
  bookingIds: string[];
  /** Who, where and when, in a sentence. */
  reason: string;
}

/** Far enough in the future to mean "until the end of the day" for a zone never left. */
const OPEN_END = Number.MAX_SAFE_INTEGER;

/** Order a person's movements along their path: by window start, then window end (door order in a route). */
export function orderMovements(movements: readonly Movement[]): Movement[] {
  return [...movements].sort((x, y) => x.windowStart - y.windowStart || x.windowEnd - y.windowEnd);
}

/** Where each person may be, and when, according to their planned movements. Tracked zones only. */
export function presenceIntervals(movements: readonly Movement[], site: SiteIndex): PresenceInterval[] {
  const byPerson = new Map<string, Movement[]>();
  for (const m of movements) byPerson.set(m.personId, [...(byPerson.get(m.personId) ?? []), m]);
  const out: PresenceInterval[] = [];
  for (const [personId, own] of byPerson) {
    const path = orderMovements(own);
    const first = path[0]!;
    const add = (zoneId: string, from: number, to: number, bookingId: string) => {
      if (site.isTracked(zoneId)) out.push({ personId, zoneId, from, to, bookingId });
    };
    add(first.fromZone, Number.MIN_SAFE_INTEGER, first.windowEnd, first.bookingId);
    path.forEach((m, k) => {
      const next = path[k + 1];
      add(m.toZone, m.windowStart, next ? next.windowEnd : OPEN_END, m.bookingId);
    });
  }
  return out;
}

/** Every keep-apart pair that could share a tracked zone, with who, where and when. */
export function checkDayPlan(movements: readonly Movement[], pairs: readonly KeepApartPair[], site: SiteIndex): Conflict[] {
  const intervals = presenceIntervals(movements, site);
  const byPerson = new Map<string, PresenceInterval[]>();
  for (const i of intervals) byPerson.set(i.personId, [...(byPerson.get(i.personId) ?? []), i]);
  const conflicts: Conflict[] = [];
  for (const pair of pairs) {
    for (const x of byPerson.get(pair.a) ?? []) {
      for (const y of byPerson.get(pair.b) ?? []) {
        if (x.zoneId !== y.zoneId || !(x.from < y.to && y.from < x.to)) continue;
        const from = Math.max(x.from, y.from);
        const to = Math.min(x.to, y.to);
        const tz = site.timezone;
        conflicts.push({
          a: pair.a,
          b: pair.b,
          zoneId: x.zoneId,
          from,
          to,
          bookingIds: [...new Set([x.bookingId, y.bookingId])],
          reason: `${pair.a} and ${pair.b} (${pair.reason}) could both be in ${site.zoneName(x.zoneId)} between ${formatLocalTime(from, tz)} and ${to === OPEN_END ? 'the end of the day' : formatLocalTime(to, tz)}.`,
        });
      }
    }
  }
  return conflicts;
}
