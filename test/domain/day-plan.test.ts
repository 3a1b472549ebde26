import { describe, expect, it } from 'vitest';
import { planBooking } from '../../src/domain/planner.js';
import { checkDayPlan, presenceIntervals } from '../../src/domain/day-plan-check.js';
import { proposeSafeStart } from '../../src/domain/safe-start.js';
import { assessBooking } from '../../src/domain/assess-booking.js';
import type { Booking, CaseRecord, KeepApartPair } from '../../src/domain/model.js';
import { aBooking, aCase, at, demo, planning, training } from './fixtures.js';

function movementsOf(booking: Booking, caseRecord: CaseRecord) {
  const r = planBooking({ booking, caseRecord, site: demo, planning });
  if (!r.ok) throw new Error(r.reason);
  return r.plan.movements;
}

const case1 = aCase();
const b1 = aBooking();
// Family 2 comes the other way round: its resident party uses entrance B, so its visiting parent uses A.
const case2 = aCase({ id: 'case-2', reference: 'CC-002', keepApart: [], settings: { firstToArrive: 'visiting', residentEntrance: 'entrance-b' } });
const b2 = aBooking({
  id: 'b-2',
  caseId: 'case-2',
  roomId: 'room-3',
  supervisorId: 'sup-2',
  participants: [
    { personId: 'child-2', role: 'child' },
    { personId: 'rp-2', role: 'resident-parent' },
    { personId: 'vp-2', role: 'visiting-parent' },
  ],
});
// A court order across families: the resident parent of family 1 and the visiting parent of family 2.
const pairs: KeepApartPair[] = [
  { a: 'rp-1', b: 'vp-1', reason: 'parents' },
  { a: 'rp-2', b: 'vp-2', reason: 'parents' },
  { a: 'rp-1', b: 'vp-2', reason: 'court order' },
];

describe('checkDayPlan', () => {
  it('finds no meeting in one well-staggered booking', () => {
    expect(checkDayPlan(movementsOf(b1, case1), pairs, demo)).toEqual([]);
  });

  it('never tracks the street', () => {
    const intervals = presenceIntervals(movementsOf(b1, case1), demo);
    expect(intervals.some((i) => i.zoneId === 'outside')).toBe(false);
    expect(intervals.filter((i) => i.personId === 'rp-1').map((i) => i.zoneId)).toEqual(['carpark-a', 'lobby-a', 'waiting-a', 'lobby-a', 'carpark-a']);
  });

  it('reports a keep-apart pair across families sharing entrance A, with who, where and when', () => {
    const conflicts = checkDayPlan([...movementsOf(b1, case1), ...movementsOf(b2, case2)], pairs, demo);
    expect(conflicts.length).toBeGreaterThan(0);
    expect(conflicts.every((c) => c.a === 'rp-1' && c.b === 'vp-2')).toBe(true);
    expect(new Set(conflicts.map((c) => c.zoneId))).toEqual(new Set(['carpark-a', 'lobby-a', 'waiting-a']));
    const c = conflicts[0]!;
    expect(c.bookingIds.sort()).toEqual(['b-1', 'b-2']);
    expect(c.reason).toMatch(/rp-1 and vp-2 \(court order\) could both be in (Car park A|Entrance lobby A|Waiting room A) between \d\d:\d\d and \d\d:\d\d/);
  });

  it('finds no conflict once family 2 is far enough away in time', () => {
    const later = { ...b2, start: b2.start + 4 * 3_600_000, end: b2.end + 4 * 3_600_000 };
    expect(checkDayPlan([...movementsOf(b1, case1), ...movementsOf(later, case2)], pairs, demo).map((c) => c.reason)).toEqual([]);
  });
});

describe('proposeSafeStart and assessBooking', () => {
  const base = { caseRecord: case2, site: demo, planning, otherBookings: [b1], otherMovements: movementsOf(b1, case1), pairs };

  it('proposes the nearest start with no conflict, inside opening hours', () => {
    const start = proposeSafeStart({ ...base, booking: b2 })!;
    expect(start).toBeDefined();
    const moved = { ...b2, start, end: start + (b2.end - b2.start) };
    expect(checkDayPlan([...base.otherMovements, ...movementsOf(moved, case2)], pairs, demo)).toEqual([]);
    // Nothing nearer works: one step closer in the same direction still conflicts.
    const step = 5 * 60_000 * Math.sign(start - b2.start);
    const closer = { ...b2, start: start - step, end: start - step + (b2.end - b2.start) };
    expect(checkDayPlan([...base.otherMovements, ...movementsOf(closer, case2)], pairs, demo).length).toBeGreaterThan(0);
  });

  it('refuses with the conflict and a proposal, and accepts a clean booking with its plan', () => {
    const now = at('2026-11-24', '09:00');
    const refused = assessBooking({ ...base, booking: b2, supervisorTraining: training('sup-2', '2027-12-01') }, now);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.refusals.map((r) => r.code)).toEqual(['KEEP_APART_CONFLICT']);
    expect(refused.conflicts[0]!.reason).toContain('court order');
    expect(refused.proposedStart).toBe(proposeSafeStart({ ...base, booking: b2, notBefore: now }));
    const ok = assessBooking({ ...base, booking: { ...b2, start: refused.proposedStart!, end: refused.proposedStart! + 7_200_000 }, supervisorTraining: training('sup-2', '2027-12-01') }, now);
    expect(ok.ok).toBe(true);
  });

  it('proposes nothing when the room is taken all day', () => {
    const allDay = aBooking({ id: 'b-x', roomId: 'room-3', start: at('2026-12-05', '09:00'), end: at('2026-12-05', '18:00'), participants: [] });
    expect(proposeSafeStart({ ...base, booking: b2, otherBookings: [b1, allDay] })).toBeUndefined();
  });
});
