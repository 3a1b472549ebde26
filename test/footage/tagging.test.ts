import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pino from 'pino';
import { bookingsForSegment, cameraWindows, visitCoverage } from '../../src/footage/tagging.js';
import { retentionVerdict } from '../../src/footage/retention.js';
import { createRetention } from '../../src/footage/retention-service.js';
import type { Booking } from '../../src/domain/model.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { footageFixture, MIN, START } from './fixture.js';

afterEach(() => removeTempDirs());
const DAY = 86_400_000;

describe('tagging rules (pure)', () => {
  const booking: Booking = { id: 'b1', caseId: 'c1', roomId: 'room-1', serviceType: 'supervised', start: 1000, end: 2000, participants: [], status: 'booked' };
  it('a room camera sees the visit from start to end, and nothing after', () => {
    const cov = visitCoverage(booking, [], 'room-1', 0);
    expect(cameraWindows(cov, ['room-1'])).toEqual([{ from: 1000, to: 2000 }]);
    expect(bookingsForSegment({ from: 1500, to: 1600 }, ['room-1'], [cov])).toEqual(['b1']);
    expect(bookingsForSegment({ from: 2000, to: 2100 }, ['room-1'], [cov])).toEqual([]);
    expect(bookingsForSegment({ from: 1500, to: 1600 }, ['room-2'], [cov])).toEqual([]);
  });

  it('property: a segment is tagged exactly when it overlaps a window where the camera sees the visit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 500 }), (s, len) => {
        const cov = visitCoverage(booking, [], 'room-1', 0);
        const tagged = bookingsForSegment({ from: s, to: s + len }, ['room-1'], [cov]).length === 1;
        expect(tagged).toBe(s < 2000 && s + len > 1000);
      }),
    );
  });

  it('held footage is never deleted, whatever its age or its cases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 0, max: 1e13 }), fc.boolean(), (endAt, now, closed) => {
        const v = retentionVerdict({ endAt }, [{ kind: 'evidence-hold', refId: 'a' }, { kind: 'visit', refId: 'b' }], () => (closed ? { status: 'closed', closedOn: '2000-01-01' } : { status: 'open' }), now, { untaggedDays: 1, visitDaysAfterCaseClosed: 1 });
        expect(v.delete).toBe(false);
      }),
    );
  });
});

describe('footage tagger and retention on an indexed store', () => {
  it('tags live as segments close: room camera during the visit, entrance camera while the parent waits', () => {
    const f = footageFixture();
    const inRoom = f.closeSegment('cam-room-1', 10, 11);
    const afterVisit = f.closeSegment('cam-room-1', 120, 121);
    const waiting = f.closeSegment('cam-entrance-a', -15, -14);
    const carparkA = f.closeSegment('cam-carpark-a', -32, -31);
    const otherCarpark = f.closeSegment('cam-carpark-b', -30, -29);
    const tagged = (id: number) => f.footage.tags(id).map((t) => `${t.kind}:${t.refId}`);
    expect(tagged(inRoom.id)).toEqual([`visit:${f.booking.id}`]);
    expect(tagged(afterVisit.id)).toEqual([]);
    expect(tagged(waiting.id)).toEqual([`visit:${f.booking.id}`]);
    expect(tagged(carparkA.id)).toEqual([`visit:${f.booking.id}`]);
    expect(tagged(otherCarpark.id)).toEqual([]);
    expect(f.footage.segmentsTagged('visit', f.booking.id).map((s) => s.id).sort()).toEqual([inRoom.id, waiting.id, carparkA.id].sort());
  });

  it('recomputes a booking\'s tags when it changes (cancelled: no footage is the visit\'s any more)', () => {
    const f = footageFixture();
    const seg = f.closeSegment('cam-room-1', 10, 11);
    f.footage.untagRef('visit', f.booking.id);
    expect(f.tagger.retagBooking(f.booking.id)).toBe(1);
    expect(f.footage.tags(seg.id)).toHaveLength(1);
    f.store.bookings.cancel(f.booking.id);
    expect(f.tagger.retagBooking(f.booking.id)).toBe(0);
    expect(f.footage.tags(seg.id)).toEqual([]);
  });

  it('an alert holds the covering cameras 1 min before to 4 min after, including segments that close later', () => {
    const f = footageFixture();
    const before = f.closeSegment('cam-entrance-a', 199, 200); // 1 min before the alert at 200
    const tooEarly = f.closeSegment('cam-entrance-a', 190, 198.5);
    const otherCamera = f.closeSegment('cam-room-1', 199, 200);
    const hold = f.tagger.holdEvidence({ zoneId: 'lobby-a', at: START + 200 * MIN, alertId: 'alert-1' });
    expect(hold.cameraIds).toEqual(['cam-entrance-a']);
    const later = f.closeSegment('cam-entrance-a', 203, 204);
    const afterHold = f.closeSegment('cam-entrance-a', 204.5, 205);
    const held = (id: number) => f.footage.tags(id).some((t) => t.kind === 'evidence-hold' && t.refId === 'alert-1');
    expect([held(before.id), held(tooEarly.id), held(otherCamera.id), held(later.id), held(afterHold.id)]).toEqual([true, false, false, true, false]);
    expect(f.store.audit.list({ action: 'footage.hold' })).toHaveLength(1);
  });

  it('retention: untagged after N days, visit footage N days after the case closes, held never; each deletion audited', async () => {
    const f = footageFixture();
    const untagged = f.closeSegment('cam-corridor', 10, 11);
    const visit = f.closeSegment('cam-room-1', 10, 11);
    const held = f.closeSegment('cam-corridor', 20, 21);
    f.tagger.holdEvidence({ zoneId: 'corridor', at: START + 20.5 * MIN, alertId: 'alert-2' });
    const retention = createRetention({ store: f.store, footage: f.footage, clock: f.clock, logger: pino({ level: 'silent' }), settings: { untaggedDays: 30, visitDaysAfterCaseClosed: 180 } });
    f.clock.advance(29 * DAY);
    expect((await retention.sweep()).deleted).toBe(0);
    f.clock.advance(2 * DAY);
    expect(await retention.sweep()).toMatchObject({ deleted: 1 });
    expect(existsSync(untagged.path)).toBe(false);
    expect(existsSync(visit.path)).toBe(true);
    f.clock.advance(400 * DAY);
    expect((await retention.sweep()).deleted).toBe(0); // case still open
    f.store.cases.update(f.caseRecord.id, { status: 'closed', closedOn: '2027-12-01' });
    expect((await retention.sweep()).deleted).toBe(0); // closed, but not 180 days ago
    f.clock.set(Date.parse('2028-06-01T00:00:00Z'));
    expect((await retention.sweep()).deleted).toBe(1);
    expect(existsSync(visit.path)).toBe(false);
    f.clock.advance(3650 * DAY);
    await retention.sweep();
    expect(existsSync(held.path)).toBe(true);
    const audits = f.store.audit.list({ action: 'footage.delete' });
    expect(audits.flatMap((a) => (a.details.segments as { id: number }[]).map((s) => s.id)).sort()).toEqual([untagged.id, visit.id].sort());
    expect(f.store.audit.verify().ok).toBe(true);
  });

  it('disk low: deletes the oldest untagged footage first, never tagged footage', async () => {
    const f = footageFixture();
    const oldest = f.closeSegment('cam-corridor', 1, 2);
    const newer = f.closeSegment('cam-corridor', 5, 6);
    const visit = f.closeSegment('cam-room-1', 0, 1);
    f.clock.advance(DAY);
    const retention = createRetention({ store: f.store, footage: f.footage, clock: f.clock, logger: pino({ level: 'silent' }), settings: { untaggedDays: 30, visitDaysAfterCaseClosed: 180 } });
    expect(await retention.freeSpace(1)).toBe(oldest.bytes);
    expect([existsSync(oldest.path), existsSync(newer.path), existsSync(visit.path)]).toEqual([false, true, true]);
    await retention.freeSpace(1_000_000);
    expect([existsSync(newer.path), existsSync(visit.path)]).toEqual([false, true]);
  });
});
