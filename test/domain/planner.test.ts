import { describe, expect, it } from 'vitest';
import { planBooking, type BookingPlan } from '../../src/domain/planner.js';
import { gapMinutesFor, keepApartPairsOf } from '../../src/domain/stagger.js';
import type { Movement } from '../../src/domain/model.js';
import { aBooking, aCase, at, demo, MIN, planning } from './fixtures.js';

function plan(over: Parameters<typeof aCase>[0] = {}, booking = aBooking()): BookingPlan {
  const result = planBooking({ booking, caseRecord: aCase(over), site: demo, planning });
  if (!result.ok) throw new Error(result.reason);
  return result.plan;
}

const of = (p: BookingPlan, person: string, purpose?: Movement['purpose']) =>
  p.movements.filter((m) => m.personId === person && (!purpose || m.purpose === purpose));

describe('gapMinutesFor', () => {
  it('defaults from the risk level and lets the case override', () => {
    expect(gapMinutesFor(aCase(), planning)).toBe(15);
    expect(gapMinutesFor(aCase({ risk: { level: 'medium', assessedOn: 'x', reviewDue: 'y' } }), planning)).toBe(20);
    expect(gapMinutesFor(aCase({ risk: { level: 'high', assessedOn: 'x', reviewDue: 'y' } }), planning)).toBe(30);
    expect(gapMinutesFor(aCase({ settings: { firstToArrive: 'visiting', gapMinutes: 10 } }), planning)).toBe(10);
  });
});

describe('planBooking (supervised visit in the demo centre)', () => {
  const p = plan();

  it('sends the visiting parent through entrance B first, the resident party through entrance A G minutes later', () => {
    const vp = of(p, 'vp-1', 'arrival');
    const rp = of(p, 'rp-1', 'arrival');
    expect(vp.map((m) => m.doorId)).toEqual(['gate-b', 'front-b', 'waiting-b']);
    expect(rp.map((m) => m.doorId)).toEqual(['gate-a', 'front-a', 'waiting-a']);
    expect(of(p, 'child-1', 'arrival').map((m) => m.doorId)).toEqual(['gate-a', 'front-a', 'waiting-a']);
    expect(vp[0]!.windowStart).toBe(at('2026-12-05', '09:55'));
    expect(vp[0]!.windowEnd).toBe(at('2026-12-05', '10:05'));
    expect(rp[0]!.windowStart - vp[0]!.windowEnd).toBe(15 * MIN);
    expect(rp[0]!.windowEnd).toBe(at('2026-12-05', '10:30'));
  });

  it('walks the visiting parent and the child to the room through their own corridor doors', () => {
    expect(of(p, 'vp-1', 'to-room').map((m) => [m.doorId, m.fromZone, m.toZone])).toEqual([
      ['corridor-b', 'waiting-b', 'corridor'],
      ['room-2', 'corridor', 'room-2'],
    ]);
    expect(of(p, 'child-1', 'to-room').map((m) => m.doorId)).toEqual(['corridor-a', 'room-2']);
    expect(of(p, 'rp-1', 'to-room')).toEqual([]);
  });

  it('lets the resident party leave first and releases the visiting parent after its street exit plus the gap', () => {
    const rp = of(p, 'rp-1', 'departure');
    const vp = of(p, 'vp-1', 'departure');
    expect(rp.map((m) => [m.doorId, m.toZone])).toEqual([
      ['waiting-a', 'lobby-a'],
      ['front-a', 'carpark-a'],
      ['gate-a', 'outside'],
    ]);
    expect(rp.every((m) => m.after === undefined)).toBe(true);
    expect(vp.map((m) => m.doorId)).toEqual(['waiting-b', 'front-b', 'gate-b']);
    expect(vp.every((m) => m.after?.personId === 'rp-1' && m.after.doorId === 'gate-a' && m.after.gapMs === 15 * MIN)).toBe(true);
    expect(vp[0]!.windowStart).toBe(at('2026-12-05', '12:45'));
  });

  it('reverses the order when the resident party comes first, and honours the resident entrance', () => {
    const q = plan({ settings: { firstToArrive: 'resident', residentEntrance: 'entrance-b', gapMinutes: 25 } });
    expect(of(q, 'rp-1', 'arrival')[0]!.doorId).toBe('gate-b');
    expect(of(q, 'vp-1', 'arrival')[0]!.doorId).toBe('gate-a');
    expect(of(q, 'vp-1', 'arrival')[0]!.windowStart - of(q, 'rp-1', 'arrival')[0]!.windowEnd).toBe(25 * MIN);
    expect(of(q, 'rp-1', 'departure')[0]!.after).toEqual({ personId: 'vp-1', doorId: 'gate-a', gapMs: 25 * MIN });
  });

  it('plans a handover as two exchanges through the corridor, the child leaving with the visiting parent', () => {
    const h = plan({}, aBooking({ serviceType: 'handover' }));
    const child = of(h, 'child-1').map((m) => `${m.purpose}:${m.doorId}:${m.toZone}`);
    expect(child).toEqual([
      'arrival:gate-a:carpark-a',
      'arrival:front-a:lobby-a',
      'arrival:waiting-a:waiting-a',
      'to-room:corridor-a:corridor',
      'to-room:corridor-b:waiting-b',
      'departure:waiting-b:lobby-b',
      'departure:front-b:carpark-b',
      'departure:gate-b:outside',
      'arrival:gate-b:carpark-b',
      'arrival:front-b:lobby-b',
      'arrival:waiting-b:waiting-b',
      'from-room:corridor-b:corridor',
      'from-room:corridor-a:waiting-a',
      'departure:waiting-a:lobby-a',
      'departure:front-a:carpark-a',
      'departure:gate-a:outside',
    ]);
    expect(of(h, 'rp-1').some((m) => m.doorId === 'corridor-a')).toBe(false);
  });

  it('collects the parents of each booking and the named pairs as keep-apart pairs', () => {
    const pairs = keepApartPairsOf([aBooking()], [aCase({ keepApart: [{ a: 'vp-1', b: 'x-9', reason: 'court order' }] })]);
    expect(pairs.map((q) => [q.a, q.b].sort().join('+')).sort()).toEqual(['rp-1+vp-1', 'vp-1+x-9']);
  });
});
