/**
 * Moving a booked visit (PATCH /api/bookings/:id): re-planned and re-checked like a new
 * booking, refused with the same codes and the nearest safe start, audited; the footage
 * is retagged to the new times and the controllers get the new windows pushed.
 */
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createFootageTagger } from '../../src/footage/tagger.js';
import { footageRepo } from '../../src/store/repos/footage.js';
import type { EspRfidController } from '../../simulators/mqtt-door/esp-rfid-controller.js';
import { buildTestApi, signedIn, type Session, type TestApi } from '../helpers/app.js';
import { bookedDay, MIN, START, stopDay, waitFor, type BookedDay } from '../helpers/daemon.js';
import { removeTempDirs } from '../helpers/tmp.js';

let api: TestApi;
let reception: Session;
let manager: Session;
afterAll(removeTempDirs);

interface Family {
  caseId: string;
  child: string;
  resident: string;
  visiting: string;
  supervisor: string;
}

async function family(ref: string): Promise<Family> {
  const person = async (kind: string, fullName: string) => (await reception.request('POST', '/api/people', { kind, fullName })).json().id as string;
  const supervisor = await person('staff', `Supervisor ${ref}`);
  for (const kind of ['safeguarding', 'domestic-abuse']) {
    expect((await manager.request('POST', `/api/staff/${supervisor}/training`, { kind, completedOn: '2026-01-10', expiresOn: '2027-06-01' })).statusCode).toBe(201);
  }
  const res = await manager.request('POST', '/api/cases', {
    reference: ref,
    familyName: `Family ${ref}`,
    referral: { source: 'Family court', receivedOn: '2026-09-01' },
    risk: { level: 'low', assessedOn: '2026-09-10', reviewDue: '2027-02-01' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { caseId: res.json().id, child: await person('child', `Child ${ref}`), resident: await person('adult', `Resident ${ref}`), visiting: await person('adult', `Visiting ${ref}`), supervisor };
}

async function book(f: Family, roomId: string, start: string, end: string) {
  const res = await reception.request('POST', '/api/bookings', {
    caseId: f.caseId,
    roomId,
    serviceType: 'supervised',
    start,
    end,
    supervisorId: f.supervisor,
    participants: [
      { personId: f.child, role: 'child' },
      { personId: f.resident, role: 'resident-parent' },
      { personId: f.visiting, role: 'visiting-parent' },
    ],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; start: number; end: number; roomId: string; residentEntrance?: string; movements: { personId: string; doorId: string; purpose: string; windowStart: number }[] };
}

const codes = (body: { error: { details: { refusals: { code: string }[] } } }) => body.error.details.refusals.map((r) => r.code);

describe('editing a booking through the API', () => {
  beforeEach(async () => {
    api = await buildTestApi();
    reception = await signedIn(api, 'reception');
    manager = await signedIn(api, 'manager');
  });
  afterEach(() => api.close());

  it('moves a visit to another time and room: re-planned, audited, announced, its footage retagged', async () => {
    const f = await family('E-201');
    const created = await book(f, 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    expect(created.residentEntrance).toBe('entrance-a');
    const card = await reception.request('POST', `/api/bookings/${created.id}/credentials`, { personId: f.visiting, kind: 'card', value: 'e201e201' });
    expect(card.statusCode).toBe(201);
    // Footage: segments of room 2 and room 3 at the old and new times, tagged by a running tagger.
    const footage = footageRepo(api.store.db, () => api.clock.now());
    const tagger = createFootageTagger({ store: api.store, footage, site: api.config.site, clock: api.clock, logger: pino({ level: 'silent' }), bus: api.services.bus, evidence: { beforeSeconds: 60, afterSeconds: 240 } });
    tagger.start();
    const segment = (cameraId: string, iso: string) =>
      tagger.segmentClosed({ cameraId, startAt: Date.parse(iso), endAt: Date.parse(iso) + MIN, path: `/nowhere/${cameraId}-${iso}.mp4`, bytes: 1, sha256: '0'.repeat(64), skewMs: 0 });
    const oldSegment = segment('cam-room-2', '2026-11-28T11:00:00Z');
    const newSegment = segment('cam-room-3', '2026-11-28T14:30:00Z');
    expect(footage.segmentsTagged('visit', created.id).map((s) => s.id)).toEqual([oldSegment.id]);
    const events: { bookingId: string; reason: string }[] = [];
    api.services.bus.on('bookings-changed', (e) => events.push(e));

    const res = await reception.request('PATCH', `/api/bookings/${created.id}`, { start: '2026-11-28T14:00:00Z', end: '2026-11-28T15:30:00Z', roomId: 'room-3' });
    expect(res.statusCode, res.body).toBe(200);
    const moved = res.json();
    expect(moved).toMatchObject({ id: created.id, roomId: 'room-3', start: Date.parse('2026-11-28T14:00:00Z'), status: 'booked', residentEntrance: 'entrance-a' });
    expect(moved.startLocal).toMatch(/14:00/);
    // The plan moved with it: same doors, windows 3.5 hours later.
    const shift = Date.parse('2026-11-28T14:00:00Z') - Date.parse('2026-11-28T10:30:00Z');
    const firstArrival = (b: typeof created) => b.movements.filter((m) => m.personId === f.visiting && m.purpose === 'arrival')[0]!;
    expect(firstArrival(moved).windowStart - firstArrival(created).windowStart).toBe(shift);
    expect((await reception.request('GET', `/api/bookings/${created.id}`)).json().movements).toHaveLength(created.movements.length);
    const audit = api.store.audit.list({ action: 'booking.edit' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'user:reception-user', subject: `booking:${created.id}` });
    expect(audit[0]!.details).toMatchObject({ before: { roomId: 'room-2', start: created.start }, after: { roomId: 'room-3', start: moved.start } });
    expect(events).toEqual([{ bookingId: created.id, reason: 'edited' }]);
    // Every open dashboard gets the moved booking on the live channel.
    const live = api.services.live.since(0).messages.filter((m) => m.type === 'booking').map((m) => m.data as { reason: string; localDate: string; booking: { id: string; roomId: string } });
    expect(live.map((d) => d.reason)).toEqual(['created', 'edited']);
    expect(live[1]).toMatchObject({ localDate: '2026-11-28', booking: { id: created.id, roomId: 'room-3' } });
    expect(JSON.stringify(live)).not.toContain('E-201'); // ids only: no names on the live channel
    // The visitor's card belongs to the booking and keeps working for the new windows.
    expect(api.store.credentials.forBooking(created.id).every((c) => c.revokedAt === undefined)).toBe(true);
    expect(footage.segmentsTagged('visit', created.id).map((s) => s.id)).toEqual([newSegment.id]);
    tagger.stop();
  });

  it('sends the resident party through another entrance when asked, and refuses an unknown one', async () => {
    const f = await family('E-202');
    const created = await book(f, 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    const res = await reception.request('PATCH', `/api/bookings/${created.id}`, { residentEntrance: 'entrance-b' });
    expect(res.statusCode, res.body).toBe(200);
    const arrivals = (who: string) => (res.json().movements as { personId: string; doorId: string; purpose: string }[]).filter((m) => m.personId === who && m.purpose === 'arrival').map((m) => m.doorId);
    expect(arrivals(f.resident)).toEqual(['gate-b', 'front-b', 'waiting-b']);
    expect(arrivals(f.visiting)).toEqual(['gate-a', 'front-a', 'waiting-a']);
    expect(res.json().residentEntrance).toBe('entrance-b');
    // A later time-only edit keeps the entrance the visit was given.
    const later = await reception.request('PATCH', `/api/bookings/${created.id}`, { start: '2026-11-28T11:00:00Z', end: '2026-11-28T12:30:00Z' });
    expect(later.json().residentEntrance).toBe('entrance-b');
    const bad = await reception.request('PATCH', `/api/bookings/${created.id}`, { residentEntrance: 'roof' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses an edit into a keep-apart conflict with the same codes and a safe start that works', async () => {
    const a = await family('E-203');
    const b = await family('E-204');
    // Both visiting parents come through entrance B; a court order says they must never meet.
    expect((await manager.request('POST', `/api/cases/${a.caseId}/keep-apart`, { a: a.visiting, b: b.visiting, reason: 'non-molestation order' })).statusCode).toBe(201);
    await book(a, 'room-1', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    const other = await book(b, 'room-2', '2026-11-28T14:00:00Z', '2026-11-28T15:30:00Z');

    const res = await reception.request('PATCH', `/api/bookings/${other.id}`, { start: '2026-11-28T10:30:00Z', end: '2026-11-28T12:00:00Z' });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error.code).toBe('BOOKING_REFUSED');
    expect(codes(body)).toContain('KEEP_APART_CONFLICT');
    expect([body.error.details.conflicts[0].a, body.error.details.conflicts[0].b].sort()).toEqual([a.visiting, b.visiting].sort());
    expect(body.error.details.conflicts[0].reason).toContain('Visiting E-20');
    expect(typeof body.error.details.proposedStart).toBe('number');
    expect(body.error.message).toMatch(/nearest safe start/);
    // Nothing changed, and the refusal is audited.
    expect(api.store.bookings.get(other.id)!.start).toBe(other.start);
    expect(api.store.bookings.movements(other.id).map((m) => m.windowStart)).toEqual(other.movements.map((m) => m.windowStart).sort((x, y) => x - y));
    expect(api.store.audit.list({ action: 'booking.edit-refused' })[0]).toMatchObject({ subject: `booking:${other.id}` });

    const proposed = body.error.details.proposedStart as number;
    const retry = await reception.request('PATCH', `/api/bookings/${other.id}`, { start: new Date(proposed).toISOString(), end: new Date(proposed + 90 * MIN).toISOString() });
    expect(retry.statusCode, retry.body).toBe(200);
  });

  it('is not refused by the old plan of the visit being moved (same room, overlapping times)', async () => {
    const f = await family('E-205');
    const created = await book(f, 'room-4', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    const res = await reception.request('PATCH', `/api/bookings/${created.id}`, { end: '2026-11-28T12:30:00Z' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().end).toBe(Date.parse('2026-11-28T12:30:00Z'));
  });

  it('refuses editing a cancelled booking, a visit that has begun, and a move into a double-booked room', async () => {
    const f = await family('E-206');
    const g = await family('E-207');
    const cancelled = await book(f, 'room-2', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    await reception.request('POST', `/api/bookings/${cancelled.id}/cancel`, { reason: 'family unwell' });
    const refusedCancelled = await reception.request('PATCH', `/api/bookings/${cancelled.id}`, { start: '2026-11-28T13:00:00Z', end: '2026-11-28T14:00:00Z' });
    expect(refusedCancelled.statusCode).toBe(409);
    expect(refusedCancelled.json().error).toMatchObject({ code: 'CONFLICT', details: { reason: 'cancelled' } });

    const busy = await book(g, 'room-3', '2026-11-28T10:30:00Z', '2026-11-28T12:00:00Z');
    const visit = await book(f, 'room-4', '2026-11-28T13:00:00Z', '2026-11-28T14:00:00Z');
    const double = await reception.request('PATCH', `/api/bookings/${visit.id}`, { roomId: busy.roomId, start: '2026-11-28T11:00:00Z', end: '2026-11-28T12:00:00Z' });
    expect(double.statusCode).toBe(422);
    expect(codes(double.json())).toContain('ROOM_DOUBLE_BOOKED');

    // Once the first arrival window has opened, people may be on their way in: no more moves.
    const firstWindow = Math.min(...visit.movements.map((m) => m.windowStart));
    api.clock.set(firstWindow + MIN);
    reception = await signedIn(api, 'reception'); // the earlier session has expired by then
    const started = await reception.request('PATCH', `/api/bookings/${visit.id}`, { start: '2026-11-28T15:00:00Z', end: '2026-11-28T16:00:00Z' });
    expect(started.statusCode).toBe(409);
    expect(started.json().error).toMatchObject({ code: 'CONFLICT', details: { reason: 'started' } });
    expect(api.store.bookings.get(visit.id)!.start).toBe(visit.start);

    const nothing = await reception.request('PATCH', `/api/bookings/${busy.id}`, {});
    expect(nothing.statusCode).toBe(400);
    const supervisor = await signedIn(api, 'supervisor');
    expect((await supervisor.request('PATCH', `/api/bookings/${busy.id}`, { roomId: 'room-1' })).statusCode).toBe(403);
  });
});

describe('editing a booking on the running daemon', () => {
  let day: BookedDay | undefined;
  afterEach(() => stopDay(day));

  it('pushes the new window of a visitor card to its esp-rfid controller', async () => {
    const clock = new ManualClock(START - 3 * 60 * MIN);
    day = await bookedDay(clock);
    const gateA = day.sims.espRfid.get('esp-rfid/gate-a') as EspRfidController;
    const pushedSince = () => gateA.users.get('a1b2c3d4')?.validsince;
    const before = await waitFor('card pushed to gate A', () => {
      clock.advance(1000);
      return pushedSince();
    }, 10_000);
    expect(Number(before) * 1000).toBe(day.window(day.resident.id, 'gate-a').windowStart);
    const moved = day.daemon.services.bookings.edit(day.booking.id, { start: START + 120 * MIN, end: START + 210 * MIN }, 'user:test');
    const newWindow = moved.movements.find((m) => m.personId === day!.resident.id && m.doorId === 'gate-a' && m.purpose === 'arrival')!;
    await waitFor('new window pushed to gate A', () => {
      clock.advance(1000);
      return pushedSince() === String(Math.floor(newWindow.windowStart / 1000));
    }, 10_000);
    expect(Number(gateA.users.get('a1b2c3d4')!.validuntil) * 1000).toBe(newWindow.windowEnd);
  }, 30_000);
});
