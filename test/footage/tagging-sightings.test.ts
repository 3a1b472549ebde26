/**
 * Visits off-plan (issue 9's whole-centre simulation found them): a parent who arrives
 * late, waits longer than planned or comes back for a bag is on camera outside the planned
 * windows. The tagger adds what the daemon saw (sightings: the participants' access
 * decisions), so that footage is tagged to the visit too.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../src/bus.js';
import { createFootageTagger } from '../../src/footage/tagger.js';
import { bookingsForSegment, sightingIntervals, sightingOf, visitCoverage, type DoorSides, type Sighting } from '../../src/footage/tagging.js';
import pino from 'pino';
import { removeTempDirs } from '../helpers/tmp.js';
import { footageFixture, MIN, START } from './fixture.js';

afterEach(() => removeTempDirs());

const gate: DoorSides = { id: 'gate-a', from: 'outside', to: 'carpark-a' };
const front: DoorSides = { id: 'front-a', from: 'carpark-a', to: 'lobby-a' };
const waiting: DoorSides = { id: 'waiting-a', from: 'lobby-a', to: 'waiting-a' };
const doors = new Map([gate, front, waiting].map((d) => [d.id, d]));

describe('sightings (pure)', () => {
  it('a decision naming a person at a door puts them on either side of it', () => {
    expect(sightingOf({ at: 1, personId: 'p', doorId: 'gate-a' }, doors)).toEqual({ personId: 'p', at: 1, zones: ['outside', 'carpark-a'] });
    expect(sightingOf({ at: 1, doorId: 'front-a' }, doors)).toBeUndefined();
    expect(sightingOf({ at: 1, personId: 'p', doorId: 'nowhere' }, doors)).toBeUndefined();
  });

  it('a late arrival: between the gate and the front door the person is in the car park, though the plan had them there earlier', () => {
    const booking = { id: 'b', caseId: 'c', roomId: 'room-1', serviceType: 'supervised' as const, start: 100 * MIN, end: 160 * MIN, participants: [], status: 'booked' as const };
    const planned = [{ id: 'm', bookingId: 'b', personId: 'p', doorId: 'gate-a', fromZone: 'outside', toZone: 'carpark-a', purpose: 'arrival' as const, windowStart: 60 * MIN, windowEnd: 70 * MIN }];
    const late = [sightingOf({ at: 110 * MIN, personId: 'p', doorId: 'gate-a' }, doors)!, sightingOf({ at: 125 * MIN, personId: 'p', doorId: 'front-a' }, doors)!];
    const segment = { from: 118 * MIN, to: 119 * MIN };
    expect(bookingsForSegment(segment, ['carpark-a'], [visitCoverage(booking, planned, 'room-1', 10 * MIN)])).toEqual([]);
    expect(bookingsForSegment(segment, ['carpark-a'], [visitCoverage(booking, planned, 'room-1', 10 * MIN, late)])).toEqual(['b']);
    // Not the car park long after the person went in (only the margin), nor the waiting room before.
    expect(bookingsForSegment({ from: 140 * MIN, to: 141 * MIN }, ['carpark-a'], [visitCoverage(booking, [], undefined, 10 * MIN, late)])).toEqual([]);
    expect(bookingsForSegment(segment, ['waiting-a'], [visitCoverage(booking, [], undefined, 10 * MIN, late)])).toEqual([]);
  });

  it('someone who slips back through a door unseen between two sightings is still covered (either side of either door)', () => {
    // Denied at the front door, slips back into the car park behind someone, released through the waiting-room door later.
    const seen = [sightingOf({ at: 0, personId: 'p', doorId: 'front-a' }, doors)!, sightingOf({ at: 30 * MIN, personId: 'p', doorId: 'waiting-a' }, doors)!];
    const intervals = sightingIntervals(seen, 5 * MIN);
    for (const zone of ['carpark-a', 'lobby-a', 'waiting-a']) expect(intervals.some((i) => i.zone === zone && i.from <= 10 * MIN && i.to >= 20 * MIN)).toBe(true);
  });

  it('property: from margin before the first sighting to margin after the last, every instant covers a zone of a door seen around it', () => {
    const door = fc.constantFrom(gate, front, waiting);
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 1, max: 3_600_000 }), door }), { minLength: 1, maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), (raw, frac) => {
        let at = 0;
        const list: Sighting[] = raw.map((r) => sightingOf({ at: (at += r.dt), personId: 'p', doorId: r.door.id }, doors)!);
        const intervals = sightingIntervals(list, 5 * MIN);
        const from = list[0]!.at - 5 * MIN;
        const to = list.at(-1)!.at + 5 * MIN;
        const t = from + Math.floor(frac * (to - from - 1));
        const around = list.filter((s, i) => (s.at <= t && (list[i + 1]?.at ?? Infinity) > t) || (s.at > t && (list[i - 1]?.at ?? -Infinity) <= t));
        for (const z of around.flatMap((s) => s.zones)) expect(intervals.some((iv) => iv.zone === z && iv.from <= t && iv.to > t)).toBe(true);
      }),
    );
  });
});

describe('the tagger retags a visit after a sighting', () => {
  it('car park footage of a parent arriving 40 minutes late is tagged once the gate and front door decisions are in', async () => {
    const f = footageFixture();
    const bus = new EventBus();
    const tagger = createFootageTagger({ store: f.store, footage: f.footage, site: f.config.site, clock: f.clock, logger: pino({ level: 'silent' }), bus, evidence: { beforeSeconds: 60, afterSeconds: 240 } });
    tagger.start();
    try {
      const resident = f.booking.participants.find((p) => p.role === 'resident-parent')!.personId;
      // Planned in at -30 min; really through the gate at +10 and the front door at +20.
      const segment = f.closeSegment('cam-carpark-a', 14, 15);
      expect(f.footage.tags(segment.id)).toEqual([]);
      for (const [doorId, readerId, min] of [['gate-a', 'gate-a-in', 10], ['front-a', 'front-a-in', 20]] as const) {
        const decision = { outcome: 'granted' as const, code: 'MOVEMENT' as const, reason: 'late', personId: resident, doorId, at: START + min * MIN };
        f.store.decisions.record({ ...decision, readerId });
        bus.emit('access-decision', { decision });
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(f.footage.tags(segment.id)).toEqual([{ segmentId: segment.id, kind: 'visit', refId: f.booking.id }]);
      // A segment closing later in the car park, long after the parent went in, is not theirs.
      expect(f.footage.tags(f.closeSegment('cam-carpark-a', 45, 46).id)).toEqual([]);
    } finally {
      tagger.stop();
      f.store.close();
    }
  });

  it('a participant of a booking made after staff decisions were heard is still sighted (who takes part is looked up again when bookings change)', async () => {
    const f = footageFixture();
    const bus = new EventBus();
    const tagger = createFootageTagger({ store: f.store, footage: f.footage, site: f.config.site, clock: f.clock, logger: pino({ level: 'silent' }), bus, evidence: { beforeSeconds: 60, afterSeconds: 240 } });
    tagger.start();
    const hear = (personId: string, doorId: string, readerId: string, min: number) => {
      const decision = { outcome: 'granted' as const, code: 'MOVEMENT' as const, reason: 'in', personId, doorId, at: START + min * MIN };
      f.store.decisions.record({ ...decision, readerId });
      bus.emit('access-decision', { decision });
    };
    try {
      const staff = f.store.people.create({ kind: 'staff', fullName: 'Sam Staff' });
      hear(staff.id, 'gate-a', 'gate-a-in', 5);
      const late = f.store.people.create({ kind: 'adult', fullName: 'Lena Late' });
      const second = f.store.bookings.create(
        { id: f.store.bookings.newId(), caseId: f.caseRecord.id, roomId: 'room-2', serviceType: 'supervised', start: START, end: START + 60 * MIN, localDate: '2026-11-07', participants: [{ personId: late.id, role: 'visiting-parent' }], status: 'booked' },
        [],
      );
      bus.emit('bookings-changed', { bookingId: second.id, reason: 'created' });
      const segment = f.closeSegment('cam-carpark-a', 14, 15);
      hear(late.id, 'gate-a', 'gate-a-in', 10);
      hear(late.id, 'front-a', 'front-a-in', 20);
      await new Promise((r) => setTimeout(r, 50));
      expect(f.footage.tags(segment.id)).toContainEqual({ segmentId: segment.id, kind: 'visit', refId: second.id });
    } finally {
      tagger.stop();
      f.store.close();
    }
  });
});
