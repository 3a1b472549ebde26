/**
 * The rules a booking must pass before it is planned (issue 3, "Bookings"): trained
 * supervisor, risk assessment in date, room free, slot inside opening hours, the right
 * people. Each refusal has a stable code and a sentence for the person booking.
 */
import type { Booking, CaseRecord, TrainingKind, TrainingRecord } from './model.js';
import type { SiteIndex } from './site-index.js';
import { formatLocalTime, localDate, spanWithinWeeklyHours } from './local-time.js';

export type RefusalCode =
  | 'SLOT_INVALID'
  | 'SLOT_TOO_LONG'
  | 'SLOT_IN_PAST'
  | 'OUTSIDE_OPENING_HOURS'
  | 'CASE_MISMATCH'
  | 'CASE_CLOSED'
  | 'RISK_REVIEW_OVERDUE'
  | 'UNKNOWN_ROOM'
  | 'ROOM_DOUBLE_BOOKED'
  | 'ROOM_NOT_SHARED'
  | 'ROOM_OVER_CAPACITY'
  | 'MISSING_PARTICIPANT'
  | 'PERSON_DOUBLE_BOOKED'
  | 'SUPERVISOR_REQUIRED'
  | 'SUPERVISOR_TRAINING_MISSING'
  | 'SUPERVISOR_TRAINING_EXPIRED'
  | 'SUPERVISOR_DOUBLE_BOOKED'
  /** Set by assessBooking: the planner found no safe plan or a keep-apart conflict. */
  | 'NO_SAFE_PLAN'
  | 'KEEP_APART_CONFLICT';

export interface Refusal {
  code: RefusalCode;
  /** A plain sentence for the person making the booking. */
  reason: string;
}

export interface BookingRulesInput {
  booking: Booking;
  caseRecord: CaseRecord;
  /** Training records of the assigned supervisor (others are ignored). */
  supervisorTraining: readonly TrainingRecord[];
  /** Other bookings that may overlap (same day is enough); the booking itself is skipped by id. */
  existingBookings: readonly Booking[];
  site: SiteIndex;
}

/** Visits last up to 4 hours (DESIGN.md "Practice"). */
export const MAX_VISIT_MS = 4 * 60 * 60_000;

/** Training a supervisor must hold in date on the day of the visit (DESIGN.md "Staff"). */
export const REQUIRED_TRAINING: readonly TrainingKind[] = ['safeguarding', 'domestic-abuse'];

export function checkBookingRules(input: BookingRulesInput, now: number): Refusal[] {
  const refusals = [
    ...checkSlot(input, now),
    ...checkCase(input, now),
    ...checkRoom(input),
    ...checkParticipants(input),
    ...checkSupervisor(input),
  ];
  return refusals;
}

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

function others(input: BookingRulesInput): Booking[] {
  return input.existingBookings.filter((b) => b.id !== input.booking.id && b.status !== 'cancelled' && overlaps(b, input.booking));
}

function checkSlot({ booking, site }: BookingRulesInput, now: number): Refusal[] {
  const tz = site.timezone;
  if (!(booking.end > booking.start)) return [{ code: 'SLOT_INVALID', reason: 'The visit must end after it starts.' }];
  const out: Refusal[] = [];
  if (booking.end - booking.start > MAX_VISIT_MS) out.push({ code: 'SLOT_TOO_LONG', reason: 'A visit can last at most 4 hours.' });
  if (booking.start < now) out.push({ code: 'SLOT_IN_PAST', reason: 'The visit would start in the past.' });
  if (!spanWithinWeeklyHours(site.site.openingHours, booking.start, booking.end, tz)) {
    out.push({
      code: 'OUTSIDE_OPENING_HOURS',
      reason: `${formatLocalTime(booking.start, tz)}-${formatLocalTime(booking.end, tz)} on ${localDate(booking.start, tz)} is outside the centre's opening hours.`,
    });
  }
  return out;
}

function checkCase({ booking, caseRecord, site }: BookingRulesInput, now: number): Refusal[] {
  const out: Refusal[] = [];
  if (booking.caseId !== caseRecord.id) out.push({ code: 'CASE_MISMATCH', reason: 'The booking names a different case.' });
  if (caseRecord.status !== 'open') out.push({ code: 'CASE_CLOSED', reason: `Case ${caseRecord.reference} is closed.` });
  const visitDay = localDate(booking.start, site.timezone);
  const today = localDate(now, site.timezone);
  const latest = visitDay > today ? visitDay : today;
  // 'YYYY-MM-DD' strings compare in date order.
  if (caseRecord.risk.reviewDue < latest) {
    out.push({
      code: 'RISK_REVIEW_OVERDUE',
      reason: `The risk assessment of case ${caseRecord.reference} was due for review on ${caseRecord.risk.reviewDue}; review it before booking a visit on ${visitDay}.`,
    });
  }
  return out;
}

function checkRoom(input: BookingRulesInput): Refusal[] {
  const { booking, site } = input;
  const room = site.rooms.get(booking.roomId);
  if (!room) return [{ code: 'UNKNOWN_ROOM', reason: `There is no room '${booking.roomId}'.` }];
  const out: Refusal[] = [];
  if (booking.serviceType === 'supported' && !room.shared) {
    out.push({ code: 'ROOM_NOT_SHARED', reason: `${room.name} is not set up for supported contact with several families.` });
  }
  const sameRoom = others(input).filter((b) => b.roomId === booking.roomId);
  const canShare = room.shared && booking.serviceType === 'supported' && sameRoom.every((b) => b.serviceType === 'supported');
  if (sameRoom.length > 0 && !canShare) {
    const tz = site.timezone;
    const first = sameRoom[0]!;
    out.push({
      code: 'ROOM_DOUBLE_BOOKED',
      reason: `${room.name} is already booked ${formatLocalTime(first.start, tz)}-${formatLocalTime(first.end, tz)}.`,
    });
  } else if (canShare) {
    const people = sameRoom.reduce((n, b) => n + b.participants.length, booking.participants.length);
    if (people > room.capacity) {
      out.push({ code: 'ROOM_OVER_CAPACITY', reason: `${room.name} holds ${room.capacity} people; this visit would bring it to ${people}.` });
    }
  }
  return out;
}

function checkParticipants(input: BookingRulesInput): Refusal[] {
  const { booking } = input;
  const roles = new Set(booking.participants.map((p) => p.role));
  const out: Refusal[] = [];
  const need: [typeof booking.participants[number]['role'], string][] = [
    ['child', 'a child'],
    ['resident-parent', 'the resident parent or carer who brings the child'],
    ['visiting-parent', 'the visiting parent'],
  ];
  for (const [role, words] of need) {
    if (!roles.has(role)) out.push({ code: 'MISSING_PARTICIPANT', reason: `The booking needs ${words}.` });
  }
  for (const p of booking.participants) {
    if (p.role === 'authorised-adult' && !p.party) {
      out.push({ code: 'MISSING_PARTICIPANT', reason: `Say which parent authorised adult ${p.personId} comes with.` });
    }
  }
  const busy = new Set(others(input).flatMap((b) => b.participants.map((p) => p.personId)));
  for (const p of booking.participants) {
    if (busy.has(p.personId)) out.push({ code: 'PERSON_DOUBLE_BOOKED', reason: `${p.personId} is already booked for another visit at that time.` });
  }
  return out;
}

function checkSupervisor(input: BookingRulesInput): Refusal[] {
  const { booking, supervisorTraining, site } = input;
  const id = booking.supervisorId;
  if (!id) {
    return booking.serviceType === 'supervised'
      ? [{ code: 'SUPERVISOR_REQUIRED', reason: 'A supervised visit needs a named supervisor.' }]
      : [];
  }
  const out: Refusal[] = [];
  const visitDay = localDate(booking.start, site.timezone);
  for (const kind of REQUIRED_TRAINING) {
    const records = supervisorTraining.filter((t) => t.staffId === id && t.kind === kind);
    if (records.length === 0) {
      out.push({ code: 'SUPERVISOR_TRAINING_MISSING', reason: `The supervisor has no ${kind} training on record.` });
      continue;
    }
    const latestExpiry = records.map((t) => t.expiresOn).sort().at(-1)!;
    if (latestExpiry < visitDay) {
      out.push({ code: 'SUPERVISOR_TRAINING_EXPIRED', reason: `The supervisor's ${kind} training expired on ${latestExpiry}, before the visit on ${visitDay}.` });
    }
  }
  if (booking.serviceType === 'supervised' && others(input).some((b) => b.supervisorId === id)) {
    out.push({ code: 'SUPERVISOR_DOUBLE_BOOKED', reason: 'The supervisor is already supervising another visit at that time.' });
  }
  return out;
}
