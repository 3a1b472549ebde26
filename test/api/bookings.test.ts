/**
 * Reception books a day of visits through the API and sees each person's planned
 * movements; unsafe or invalid bookings are refused with reasons and a safe time.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApi, signedIn, type Session, type TestApi } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let api: TestApi;
let reception: Session;
let manager: Session;
afterEach(() => api.close());
afterAll(removeTempDirs);

interface Family {
  caseId: string;
  child: string;
  resident: string;
  visiting: string;
}

async function person(kind: string, fullName: string): Promise<string> {
  const res = await reception.request('POST', '/api/people', { kind, fullName });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

async function family(ref: string, risk: 'low' | 'medium' | 'high' = 'low', reviewDue = '2027-02-01'): Promise<Family> {
  const child = await person('child', `Child ${ref}`);
  const resident = await person('adult', `Resident ${ref}`);
  const visiting = await person('adult', `Visiting ${ref}`);
  const res = await manager.request('POST', '/api/cases', {
    reference: ref,
    familyName: `Family ${ref}`,
    referral: { source: 'Family court', receivedOn: '2026-09-01' },
    risk: { level: risk, assessedOn: '2026-09-10', reviewDue },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { caseId: res.json().id, child, resident, visiting };
}

async function supervisor(name: string, expiresOn = '2027-06-01'): Promise<string> {
  const id = await person('staff', name);
  for (const kind of ['safeguarding', 'domestic-abuse']) {
    const res = await manager.request('POST', `/api/staff/${id}/training`, { kind, completedOn: '2026-01-10', expiresOn });
    expect(res.statusCode, res.body).toBe(201);
  }
  return id;
}

const book = (f: Family, supervisorId: string, roomId: string, start: string, end: string) =>
  reception.request('POST', '/api/bookings', {
    caseId: f.caseId,
    roomId,
    serviceType: 'supervised',
    start,
    end,
    supervisorId,
    participants: [
      { personId: f.child, role: 'child' },
      { personId: f.resident, role: 'resident-parent' },
      { personId: f.visiting, role: 'visiting-parent' },
    ],
  });

beforeEach(async () => {
  api = await buildTestApi();
  reception = await signedIn(api, 'reception');
  manager = await signedIn(api, 'manager');
});

describe('bookings API', () => {
  it('books a supervised visit and shows each person their own entrance, staggered', async () => {
    const f = await family('C-101');
    const sup = await supervisor('Sue Pervisor');
    const res = await book(f, sup, 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    expect(res.statusCode, res.body).toBe(201);
    const booking = res.json();
    expect(booking.startLocal).toMatch(/10:30/);
    const moves = booking.movements as { personId: string; doorId: string; purpose: string; windowStart: number; windowEnd: number }[];
    const arrival = (who: string) => moves.filter((m) => m.personId === who && m.purpose === 'arrival');
    expect(arrival(f.resident).map((m) => m.doorId)).toEqual(['gate-a', 'front-a', 'waiting-a']);
    expect(arrival(f.visiting).map((m) => m.doorId)).toEqual(['gate-b', 'front-b', 'waiting-b']);
    // Visiting parent first by default, the gap between the two arrival windows at least 15 minutes.
    const gap = arrival(f.resident)[0]!.windowStart - arrival(f.visiting)[0]!.windowEnd;
    expect(gap).toBeGreaterThanOrEqual(15 * 60_000);
    // The later party leaves only after the earlier one has gone: its exits carry `after`.
    const departures = moves.filter((m) => m.purpose === 'departure');
    expect(departures.some((m) => 'after' in m)).toBe(true);

    const day = await reception.request('GET', '/api/bookings?date=2026-11-28');
    expect(day.json().bookings).toHaveLength(1);
    expect(day.json().bookings[0].movements.length).toBe(moves.length);
    expect(api.store.audit.list({ action: 'booking.create' })).toHaveLength(1);
  });

  it('refuses a supervisor whose training has expired', async () => {
    const f = await family('C-102');
    const sup = await supervisor('Old Training', '2026-10-01');
    const res = await book(f, sup, 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('BOOKING_REFUSED');
    expect(res.json().error.details.refusals.map((r: { code: string }) => r.code)).toContain('SUPERVISOR_TRAINING_EXPIRED');
  });

  it('refuses a case whose risk assessment is past its review date', async () => {
    const f = await family('C-103', 'low', '2026-11-01');
    const res = await book(f, await supervisor('Sam'), 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.refusals.map((r: { code: string }) => r.code)).toContain('RISK_REVIEW_OVERDUE');
  });

  it('refuses a slot outside opening hours', async () => {
    const f = await family('C-104');
    const res = await book(f, await supervisor('Sam'), 'room-2', '2026-11-28T19:00:00Z', '2026-11-28T20:00:00Z');
    expect(res.statusCode).toBe(422);
    expect(res.json().error.details.refusals.map((r: { code: string }) => r.code)).toContain('OUTSIDE_OPENING_HOURS');
  });

  it('refuses a double-booked room and proposes the nearest safe start', async () => {
    const sup1 = await supervisor('Sam');
    const sup2 = await supervisor('Sid');
    expect((await book(await family('C-105'), sup1, 'room-3', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z')).statusCode).toBe(201);
    const res = await book(await family('C-106'), sup2, 'room-3', '2026-11-28T11:00:00Z', '2026-11-28T12:00:00Z');
    expect(res.statusCode).toBe(422);
    const details = res.json().error.details;
    expect(details.refusals.map((r: { code: string }) => r.code)).toContain('ROOM_DOUBLE_BOOKED');
    expect(typeof details.proposedStart).toBe('number');
    expect(res.json().error.message).toMatch(/nearest safe start/);
  });

  it('refuses a booking that would put a cross-family keep-apart pair in the same place, naming who and where', async () => {
    const a = await family('C-107');
    const b = await family('C-108');
    // Both visiting parents come through entrance B; a court order says these two must never meet.
    const pair = await manager.request('POST', `/api/cases/${a.caseId}/keep-apart`, { a: a.visiting, b: b.visiting, reason: 'non-molestation order' });
    expect(pair.statusCode).toBe(201);
    expect((await book(a, await supervisor('Sam'), 'room-1', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z')).statusCode).toBe(201);
    const res = await book(b, await supervisor('Sid'), 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    expect(res.statusCode).toBe(422);
    const details = res.json().error.details;
    expect(details.refusals.map((r: { code: string }) => r.code)).toContain('KEEP_APART_CONFLICT');
    expect([details.conflicts[0].a, details.conflicts[0].b].sort()).toEqual([a.visiting, b.visiting].sort());
    expect(details.conflicts[0].reason).toMatch(/Visiting C-10[78].*Visiting C-10[78]|would/);
    // The proposed start is really safe: booking it succeeds.
    expect(typeof details.proposedStart).toBe('number');
    const at = new Date(details.proposedStart as number);
    const retry = await book(b, await supervisor('Sol'), 'room-2', at.toISOString(), new Date(at.getTime() + 90 * 60_000).toISOString());
    expect(retry.statusCode, retry.body).toBe(201);
  });

  it('does not refuse a pair whose plans never share a zone (resident A side, visiting B side)', async () => {
    const a = await family('C-110');
    const b = await family('C-111');
    await manager.request('POST', `/api/cases/${a.caseId}/keep-apart`, { a: a.resident, b: b.visiting, reason: 'risk assessment' });
    expect((await book(a, await supervisor('Sam'), 'room-1', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z')).statusCode).toBe(201);
    expect((await book(b, await supervisor('Sid'), 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z')).statusCode).toBe(201);
  });

  it('issues visitor credentials (PINs hashed), revokes them on cancellation', async () => {
    const f = await family('C-109');
    const created = (await book(f, await supervisor('Sam'), 'room-4', '2026-11-28T13:00:00Z', '2026-11-28T14:00:00Z')).json();
    const card = await reception.request('POST', `/api/bookings/${created.id}/credentials`, { personId: f.visiting, kind: 'card', value: 'A1B2C3D4' });
    expect(card.statusCode, card.body).toBe(201);
    expect(card.json().value).toBe('a1b2c3d4');
    const pin = await reception.request('POST', `/api/bookings/${created.id}/credentials`, { personId: f.resident, kind: 'pin', value: '4711' });
    expect(pin.json().value).toBe('[hashed]');
    expect(JSON.stringify(api.store.credentials.active())).not.toContain('4711');
    const stranger = await person('adult', 'Not Booked');
    expect((await reception.request('POST', `/api/bookings/${created.id}/credentials`, { personId: stranger, kind: 'card', value: 'ff' })).statusCode).toBe(400);

    const cancelled = await reception.request('POST', `/api/bookings/${created.id}/cancel`, { reason: 'family unwell' });
    expect(cancelled.json().status).toBe('cancelled');
    expect(api.store.credentials.forBooking(created.id).every((c) => c.revokedAt !== undefined)).toBe(true);
  });
});
