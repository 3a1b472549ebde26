/**
 * Finds the nearest start time at which a booking can be made safe (issue 3): same
 * duration, 5-minute steps in both directions, inside opening hours, room free, and no
 * keep-apart conflict with the rest of the day's plan.
 */
import type { Booking, CaseRecord, KeepApartPair, Movement } from './model.js';
import type { SiteIndex } from './site-index.js';
import type { PlanningSettings } from './stagger.js';
import { planBooking } from './planner.js';
import { checkDayPlan } from './day-plan-check.js';
import { intervalsOnDate, localDate, spanWithinWeeklyHours } from './local-time.js';

export const SAFE_START_STEP_MS = 5 * 60_000;

export interface SafeStartInput {
  booking: Booking;
  caseRecord: CaseRecord;
  site: SiteIndex;
  planning: PlanningSettings;
  /** The other bookings of the day (for the room) and their planned movements. */
  otherBookings: readonly Booking[];
  otherMovements: readonly Movement[];
  pairs: readonly KeepApartPair[];
  /** Starts before this instant are not proposed (pass `now`). */
  notBefore?: number;
}

/** Is the room free for [start, end)? A shared room takes several supported visits. */
export function roomFree(site: SiteIndex, booking: Booking, others: readonly Booking[]): boolean {
  const room = site.rooms.get(booking.roomId);
  if (!room) return false;
  return others.every(
    (o) =>
      o.id === booking.id ||
      o.status === 'cancelled' ||
      o.roomId !== booking.roomId ||
      !(o.start < booking.end && booking.start < o.end) ||
      (room.shared && o.serviceType === 'supported' && booking.serviceType === 'supported'),
  );
}

/** Is this booking, at its own start, free of conflicts with the rest of the day? */
export function safeAt(input: SafeStartInput, candidate: Booking): boolean {
  const { site } = input;
  if (!spanWithinWeeklyHours(site.site.openingHours, candidate.start, candidate.end, site.timezone)) return false;
  if (input.notBefore !== undefined && candidate.start < input.notBefore) return false;
  if (!roomFree(site, candidate, input.otherBookings)) return false;
  const plan = planBooking({ booking: candidate, caseRecord: input.caseRecord, site, planning: input.planning });
  if (!plan.ok) return false;
  const conflicts = checkDayPlan([...input.otherMovements, ...plan.plan.movements], input.pairs, site);
  return !conflicts.some((c) => c.bookingIds.includes(candidate.id));
}

/** The nearest safe start on the same local day (ties: the later one), or undefined. */
export function proposeSafeStart(input: SafeStartInput): number | undefined {
  const { booking, site } = input;
  const duration = booking.end - booking.start;
  const day = intervalsOnDate(site.site.openingHours, localDate(booking.start, site.timezone), site.timezone);
  if (day.length === 0) return undefined;
  const earliest = Math.min(...day.map(([s]) => s));
  const latest = Math.max(...day.map(([, e]) => e)) - duration;
  for (let k = 1; booking.start - k * SAFE_START_STEP_MS >= earliest || booking.start + k * SAFE_START_STEP_MS <= latest; k++) {
    for (const start of [booking.start + k * SAFE_START_STEP_MS, booking.start - k * SAFE_START_STEP_MS]) {
      if (start < earliest || start > latest) continue;
      if (safeAt(input, { ...booking, start, end: start + duration })) return start;
    }
  }
  return undefined;
}
