import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  closeOverDoors,
  collapseTo,
  decide,
  hashSecret,
  intersections,
  resolveCredential,
  indexCredentials,
  staffScheduleAllows,
  storedCredentialValue,
  joinedZones,
  openDoors,
  settle,
  isDoorOpen,
  type AccessInput,
  type AccessState,
  type Credential,
  type DoorState,
} from '../../src/domain/index.js';
import { confirm, demoDay, t, tap } from './access-fixtures.js';
import { at, demo } from './fixtures.js';

const door = (id: string) => demo.doors.get(id)!;

describe('possible zones', () => {
  it('joins both sides of an open door, through chains of open doors', () => {
    const p = closeOverDoors({ x: ['waiting-a'], y: ['corridor'] }, [door('corridor-a'), door('room-2')], demo);
    expect(p).toEqual({ x: ['corridor', 'room-2', 'waiting-a'], y: ['corridor', 'room-2', 'waiting-a'] });
  });

  it('never lets the street flow inwards, but lets people inside leave', () => {
    const p = closeOverDoors({ inside: ['carpark-a'] }, [door('gate-a')], demo);
    expect(p).toEqual({ inside: ['carpark-a', 'outside'] });
    expect(closeOverDoors({}, [door('gate-a')], demo)).toEqual({});
  });

  it('collapses on evidence and drops people back in the street from the table', () => {
    expect(collapseTo({ x: ['corridor', 'room-1'] }, 'x', 'room-1', demo)).toEqual({ x: ['room-1'] });
    expect(collapseTo({ x: ['carpark-a'] }, 'x', 'outside', demo)).toEqual({});
  });

  it('finds pairs sharing a tracked zone only', () => {
    const pairs = [{ a: 'x', b: 'y', reason: 'r' }];
    expect(intersections({ x: ['corridor', 'outside'], y: ['corridor', 'outside'] }, pairs, demo).map((i) => i.zoneId)).toEqual(['corridor']);
  });

  it('keeps holding doors into a zone where a pair may already be together (after a forced door), until reception confirms', () => {
    let s = confirm(confirm(demoDay(), 'vp-1', 'corridor', t('10:20')), 'rp-1', 'waiting-a', t('10:20'));
    s = confirm(s, 'st-1', 'lobby-a', t('10:20'));
    s = decide(s, { type: 'door-contact', doorId: 'corridor-a', open: true, at: t('10:21') }, t('10:21')).state;
    s = decide(s, { type: 'door-contact', doorId: 'corridor-a', open: false, at: t('10:22') }, t('10:22')).state;
    // The waiting-room door does not itself join the pair, but they may already share waiting room A.
    expect(tap(s, 'waiting-a-in', 'DD04', t('10:23')).decision.code).toBe('KEEP_APART_HOLD');
    s = confirm(confirm(s, 'rp-1', 'waiting-a', t('10:24')), 'vp-1', 'corridor', t('10:24'));
    expect(tap(s, 'waiting-a-in', 'DD04', t('10:25')).decision.outcome).toBe('granted');
  });
});

/** The open doors and joined zones worked out from scratch, without the memos the decision path uses. */
function referenceOpenDoors(state: AccessState, now: number, extra: readonly string[]): string[] {
  return demo.site.doors.filter((d) => extra.includes(d.id) || (state.doors[d.id] !== undefined && isDoorOpen(state.doors[d.id]!, now))).map((d) => d.id);
}
function referenceJoined(state: AccessState, doorId: string, now: number): string[] {
  const open = referenceOpenDoors(state, now, [doorId]).map((id) => demo.doors.get(id)!);
  const d = demo.doors.get(doorId)!;
  const zones = new Set([d.from, d.to]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const o of open) {
      for (const [a, b] of [[o.from, o.to], [o.to, o.from]] as const) {
        if (zones.has(a) && !zones.has(b)) {
          zones.add(b);
          grew = true;
        }
      }
    }
  }
  return [...zones].sort();
}

describe('memoised door and zone lookups', () => {
  const doorIds = demo.site.doors.map((d) => d.id);
  const people = ['p1', 'p2', 'p3'];
  const zoneIds = demo.site.zones.map((z) => z.id);
  const step = fc.record({
    doorId: fc.constantFrom(...doorIds),
    door: fc.record({ unlockedUntil: fc.integer({ min: 0, max: 60_000 }), open: fc.boolean(), hardwareUnlocked: fc.boolean() }),
    advance: fc.integer({ min: 0, max: 20_000 }),
    person: fc.constantFrom(...people),
    zones: fc.uniqueArray(fc.constantFrom(...zoneIds), { minLength: 1, maxLength: 3 }),
  });

  it('agree with a computation from scratch as doors open, close and time passes', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        let state: AccessState = demoDay();
        let now = 0;
        for (const s of steps) {
          now += s.advance;
          state = { ...state, doors: { ...state.doors, [s.doorId]: s.door as DoorState }, possible: { ...state.possible, [s.person]: [...s.zones].sort() } };
          for (const extra of [[], [s.doorId]]) expect(openDoors(state, now, extra).map((d) => d.id)).toEqual(referenceOpenDoors(state, now, extra));
          expect([...joinedZones(state, s.doorId, now)].sort()).toEqual(referenceJoined(state, s.doorId, now));
          const settled = settle(state, state.possible, now);
          const reference = closeOverDoors(state.possible, referenceOpenDoors(state, now, []).map((id) => demo.doors.get(id)!), demo);
          expect(settled).toEqual(reference);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('drops a person back in the street from the table without disturbing anyone else', () => {
    const before = { x: ['carpark-a'], y: ['corridor'], z: ['room-1'] };
    const after = collapseTo(before, 'y', 'outside', demo);
    expect(after).toEqual({ x: ['carpark-a'], z: ['room-1'] });
    expect('y' in after).toBe(false);
    expect(before).toEqual({ x: ['carpark-a'], y: ['corridor'], z: ['room-1'] });
    expect(collapseTo(after, 'y', 'outside', demo)).toBe(after);
  });
});

describe('credentials', () => {
  const creds: Credential[] = [
    { id: 'old', personId: 'p', kind: 'card', value: storedCredentialValue('card', 'AB12'), issuedAt: 0, revokedAt: 10 },
    { id: 'new', personId: 'p', kind: 'card', value: storedCredentialValue('card', ' ab12 '), issuedAt: 5 },
    { id: 'qr', personId: 'q', kind: 'qr', value: storedCredentialValue('qr', 'payload-1'), issuedAt: 0 },
  ];
  const index = indexCredentials(creds);

  it('stores only hashes of PINs and QR payloads and compares by hash', () => {
    expect(storedCredentialValue('pin', '1234')).toBe(hashSecret('pin', '1234'));
    expect(storedCredentialValue('pin', '1234')).not.toContain('1234');
    expect(hashSecret('pin', '1234')).not.toBe(hashSecret('qr', '1234'));
    expect(resolveCredential(index, { kind: 'qr', payload: 'payload-1' }, 20)?.id).toBe('qr');
    expect(resolveCredential(index, { kind: 'qr', payload: 'payload-2' }, 20)).toBeUndefined();
  });

  it('prefers the live card among re-issued ones, whatever the hex case', () => {
    expect(resolveCredential(index, { kind: 'card', id: 'AB12' }, 20)?.id).toBe('new');
  });

  it('reads a staff schedule by the local wall clock across the spring clock change', () => {
    const staff: Credential = { id: 's', personId: 's', kind: 'card', value: 'x', issuedAt: 0, schedule: { sun: [['09:00', '12:00']] } };
    expect(staffScheduleAllows(staff, at('2027-03-28', '09:00'), 'Europe/London')).toBe(true);
    expect(staffScheduleAllows(staff, Date.parse('2027-03-28T08:30:00Z'), 'Europe/London')).toBe(true); // 09:30 BST
    expect(staffScheduleAllows(staff, Date.parse('2027-03-28T11:30:00Z'), 'Europe/London')).toBe(false); // 12:30 BST
  });
});

describe('decide on arbitrary device input', () => {
  const ids = fc.oneof(fc.constantFrom('gate-a', 'corridor-a', 'room-2', 'gate-a-in', 'staff-in'), fc.string({ maxLength: 12 }));
  const input: fc.Arbitrary<AccessInput> = fc.oneof(
    fc.record({ type: fc.constant('credential-presented' as const), readerId: ids, doorId: ids, credential: fc.oneof(fc.record({ kind: fc.constant('card' as const), id: fc.string() }), fc.record({ kind: fc.constant('pin' as const), pin: fc.string() })), at: fc.constant(0) }),
    fc.record({ type: fc.constant('door-contact' as const), doorId: ids, open: fc.boolean(), at: fc.constant(0) }),
    fc.record({ type: fc.constant('request-to-exit' as const), doorId: ids, at: fc.constant(0) }),
    fc.record({ type: fc.constant('door-forced' as const), doorId: ids, at: fc.constant(0) }),
    fc.record({ type: fc.constant('reception-release' as const), doorId: ids, staffId: ids, reason: fc.string(), towards: ids, at: fc.constant(0) }),
    fc.record({ type: fc.constant('confirm-whereabouts' as const), personId: ids, zoneId: ids, staffId: ids, at: fc.constant(0) }),
  );

  it('never throws, always explains, and never unlocks a door it does not know', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 20 }), (inputs) => {
        let s = demoDay();
        inputs.forEach((raw, k) => {
          const now = t('10:00') + k * 1000;
          const r = decide(s, { ...raw, at: now } as AccessInput, now);
          s = r.state;
          expect(r.decision.reason.length).toBeGreaterThan(0);
          for (const e of r.effects) if (e.type === 'door' && e.command.type === 'unlock') expect(demo.doors.has(e.command.doorId)).toBe(true);
        });
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
