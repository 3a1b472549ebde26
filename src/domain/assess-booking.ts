/**
 * One call for the bookings API: the booking rules, the plan, the day check and, when the
 * booking cannot be made safe, the nearest safe start (issue 3: "refuses a booking it
 * cannot make safe, saying which pair, where and when they would meet, and proposing the
 * nearest safe start time").
 */
import type { Booking, CaseRecord, KeepApartPair, Movement, TrainingRecord } from './model.js';
import type { SiteIndex } from './site-index.js';
import type { PlanningSettings } from './stagger.js';
import { checkBookingRules, type Refusal } from './booking-rules.js';
import { planBooking, type BookingPlan } from './planner.js';
import { checkDayPlan, type Conflict } from './day-plan-check.js';
import { proposeSafeStart } from './safe-start.js';

export interface AssessInput {
  booking: Booking;
  caseRecord: CaseRecord;
  supervisorTraining: readonly TrainingRecord[];
  site: SiteIndex;
  planning: PlanningSettings;
  /** The day's other bookings and their movements (as stored). */
  otherBookings: readonly Booking[];
  otherMovements: readonly Movement[];
  /** Every keep-apart pair that matters that day (see keepApartPairsOf). */
  pairs: readonly KeepApartPair[];
}

export type Assessment =
  | { ok: true; plan: BookingPlan }
  | { ok: false; refusals: Refusal[]; conflicts: Conflict[]; proposedStart?: number };

export function assessBooking(input: AssessInput, now: number): Assessment {
  const { booking, caseRecord, site, planning } = input;
  const refusals = checkBookingRules(
    { booking, caseRecord, supervisorTraining: input.supervisorTraining, existingBookings: input.otherBookings, site },
    now,
  );
  const planned = planBooking({ booking, caseRecord, site, planning });
  if (!planned.ok) return { ok: false, refusals: [...refusals, { code: 'NO_SAFE_PLAN', reason: planned.reason }], conflicts: [] };
  const conflicts = checkDayPlan([...input.otherMovements, ...planned.plan.movements], input.pairs, site).filter((c) =>
    c.bookingIds.includes(booking.id),
  );
  if (refusals.length === 0 && conflicts.length === 0) return { ok: true, plan: planned.plan };
  const fixable = refusals.every((r) => r.code === 'ROOM_DOUBLE_BOOKED' || r.code === 'OUTSIDE_OPENING_HOURS');
  const proposedStart = fixable ? proposeSafeStart({ ...input, notBefore: now }) : undefined;
  const all = conflicts.length > 0 ? [...refusals, { code: 'KEEP_APART_CONFLICT' as const, reason: conflicts[0]!.reason }] : refusals;
  return proposedStart === undefined ? { ok: false, refusals: all, conflicts } : { ok: false, refusals: all, conflicts, proposedStart };
}
