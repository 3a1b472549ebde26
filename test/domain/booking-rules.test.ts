import { describe, expect, it } from 'vitest';
import { checkBookingRules, type BookingRulesInput } from '../../src/domain/booking-rules.js';
import { aBooking, aCase, at, demo, training } from './fixtures.js';

const now = at('2026-11-24', '09:00');

function input(over: Partial<BookingRulesInput> = {}): BookingRulesInput {
  return { booking: aBooking(), caseRecord: aCase(), supervisorTraining: training('sup-1', '2027-06-01'), existingBookings: [], site: demo, ...over };
}

const codes = (i: BookingRulesInput, t = now) => checkBookingRules(i, t).map((r) => r.code);

describe('checkBookingRules', () => {
  it('accepts a sound booking', () => {
    expect(checkBookingRules(input(), now)).toEqual([]);
  });

  it('refuses a supervisor whose domestic-abuse training expires before the visit', () => {
    const t = training('sup-1', '2027-06-01').map((r) => (r.kind === 'domestic-abuse' ? { ...r, expiresOn: '2026-12-04' } : r));
    const refusals = checkBookingRules(input({ supervisorTraining: t }), now);
    expect(refusals.map((r) => r.code)).toEqual(['SUPERVISOR_TRAINING_EXPIRED']);
    expect(refusals[0]!.reason).toContain('domestic-abuse');
    expect(refusals[0]!.reason).toContain('2026-12-04');
  });

  it('accepts training that expires on the day of the visit, refuses missing training', () => {
    expect(codes(input({ supervisorTraining: training('sup-1', '2026-12-05') }))).toEqual([]);
    expect(codes(input({ supervisorTraining: training('someone-else', '2030-01-01') }))).toEqual([
      'SUPERVISOR_TRAINING_MISSING',
      'SUPERVISOR_TRAINING_MISSING',
    ]);
  });

  it('needs a supervisor for supervised contact only', () => {
    expect(codes(input({ booking: aBooking({ supervisorId: undefined }) }))).toEqual(['SUPERVISOR_REQUIRED']);
    expect(codes(input({ booking: aBooking({ supervisorId: undefined, serviceType: 'handover' }) }))).toEqual([]);
  });

  it('refuses a case whose risk assessment is past its review date on the visit day or today', () => {
    expect(codes(input({ caseRecord: aCase({ risk: { level: 'low', assessedOn: '2026-01-01', reviewDue: '2026-12-04' } }) }))).toEqual([
      'RISK_REVIEW_OVERDUE',
    ]);
    expect(codes(input({ caseRecord: aCase({ risk: { level: 'low', assessedOn: '2026-01-01', reviewDue: '2026-12-05' } }) }))).toEqual([]);
  });

  it('refuses a double-booked room but lets supported visits share a shared room up to capacity', () => {
    const other = aBooking({ id: 'b-0', caseId: 'case-0', supervisorId: 'sup-2', participants: [{ personId: 'x', role: 'child' }], start: at('2026-12-05', '12:00'), end: at('2026-12-05', '13:00') });
    const refusals = checkBookingRules(input({ existingBookings: [other] }), now);
    expect(refusals.map((r) => r.code)).toEqual(['ROOM_DOUBLE_BOOKED']);
    expect(refusals[0]!.reason).toContain('12:00-13:00');
    expect(codes(input({ existingBookings: [{ ...other, status: 'cancelled' }] }))).toEqual([]);
    const supported = { roomId: 'room-1', serviceType: 'supported' as const };
    expect(codes(input({ booking: aBooking(supported), existingBookings: [{ ...other, ...supported }] }))).toEqual([]);
    const crowd = Array.from({ length: 6 }, (_, i) => ({ personId: `p${i}`, role: 'child' as const }));
    expect(codes(input({ booking: aBooking(supported), existingBookings: [{ ...other, ...supported, participants: crowd }] }))).toEqual([
      'ROOM_OVER_CAPACITY',
    ]);
    expect(codes(input({ booking: aBooking({ serviceType: 'supported' }) }))).toEqual(['ROOM_NOT_SHARED']);
  });

  it('refuses a slot outside opening hours, by the local clock on a clock-change day', () => {
    // Saturday opens 09:00-18:00.
    expect(codes(input({ booking: aBooking({ start: at('2026-12-05', '17:00'), end: at('2026-12-05', '18:30') }) }))).toEqual([
      'OUTSIDE_OPENING_HOURS',
    ]);
    // Sunday 28 March 2027 (clocks go forward) opens 10:00-16:00 local.
    const risk = { level: 'low' as const, assessedOn: '2026-01-01', reviewDue: '2028-01-01' };
    const sunday = (s: string, e: string) => input({ caseRecord: aCase({ risk }), booking: aBooking({ start: at('2027-03-28', s), end: at('2027-03-28', e) }) });
    expect(codes(sunday('10:00', '12:00'))).toEqual([]);
    expect(codes(sunday('09:30', '11:00'))).toEqual(['OUTSIDE_OPENING_HOURS']);
  });

  it('refuses bad slots, closed cases, missing people and people booked twice', () => {
    expect(codes(input({ booking: aBooking({ end: at('2026-12-05', '10:30') }) }))).toEqual(['SLOT_INVALID']);
    expect(codes(input({ booking: aBooking({ end: at('2026-12-05', '15:00') }) }))).toEqual(['SLOT_TOO_LONG']);
    expect(codes(input(), at('2026-12-05', '11:00'))).toEqual(['SLOT_IN_PAST']);
    expect(codes(input({ caseRecord: aCase({ status: 'closed' }) }))).toEqual(['CASE_CLOSED']);
    expect(codes(input({ booking: aBooking({ participants: [{ personId: 'c', role: 'child' }] }) }))).toEqual([
      'MISSING_PARTICIPANT',
      'MISSING_PARTICIPANT',
    ]);
    const elsewhere = aBooking({ id: 'b-9', roomId: 'room-3', supervisorId: 'sup-2' });
    expect(codes(input({ existingBookings: [elsewhere] }))).toEqual(['PERSON_DOUBLE_BOOKED', 'PERSON_DOUBLE_BOOKED', 'PERSON_DOUBLE_BOOKED']);
  });
});
