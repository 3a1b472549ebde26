/** A day in the demo centre for the access-decision tests: one supervised visit, staff, cards. */
import { expect } from 'vitest';
import { createAccessState, decide, planBooking, storedCredentialValue, type AccessInput, type AccessState, type Credential, type DecideResult } from '../../src/domain/index.js';
import { aBooking, aCase, at, demo, planning } from './fixtures.js';

export const DAY = '2026-12-05';
export const t = (hhmm: string) => at(DAY, hhmm);

export function card(id: string, personId: string, value: string, over: Partial<Credential> = {}): Credential {
  return { id, personId, kind: 'card', value: storedCredentialValue('card', value), issuedAt: t('07:00'), ...over };
}

export function demoDay(): AccessState {
  const plan = planBooking({ booking: aBooking(), caseRecord: aCase(), site: demo, planning });
  if (!plan.ok) throw new Error(plan.reason);
  return createAccessState({
    site: demo,
    planning,
    credentials: [
      card('c-rp', 'rp-1', 'AA01', { bookingId: 'b-1' }),
      card('c-vp', 'vp-1', 'BB02', { bookingId: 'b-1' }),
      card('c-child', 'child-1', 'CC03', { bookingId: 'b-1' }),
      card('c-st', 'st-1', 'DD04', { schedule: { sat: [['08:00', '17:00']] } }),
      card('c-mg', 'mg-1', 'EE05'),
      { id: 'c-vp-pin', personId: 'vp-1', kind: 'pin', value: storedCredentialValue('pin', '4711'), bookingId: 'b-1', issuedAt: t('07:00') },
    ],
    movements: plan.plan.movements,
    pairs: [{ a: 'rp-1', b: 'vp-1', reason: 'non-molestation order' }],
    staff: { 'st-1': ['reception', 'supervisor'], 'mg-1': ['manager'], 'rc-2': ['reception'] },
    initials: { 'rp-1': 'R.P.', 'vp-1': 'V.P.', 'child-1': 'C.', 'st-1': 'S.T.', 'mg-1': 'M.G.' },
  });
}

export function tap(state: AccessState, readerId: string, cardId: string, now: number): DecideResult {
  const reader = demo.readers.get(readerId)!;
  return decide(state, { type: 'credential-presented', readerId, doorId: reader.door.id, credential: { kind: 'card', id: cardId }, at: now }, now);
}

export function run(state: AccessState, input: AccessInput): DecideResult {
  return decide(state, input, input.at);
}

/** Tap, expect a grant, open and close the door: the holder's own passage. */
export function pass(state: AccessState, readerId: string, cardId: string, now: number): AccessState {
  const r = tap(state, readerId, cardId, now);
  expect(r.decision.outcome, r.decision.reason).toBe('granted');
  const doorId = demo.readers.get(readerId)!.door.id;
  const opened = run(r.state, { type: 'door-contact', doorId, open: true, at: now + 1000 });
  return run(opened.state, { type: 'door-contact', doorId, open: false, at: now + 3000 }).state;
}

export function confirm(state: AccessState, personId: string, zoneId: string, now: number): AccessState {
  return run(state, { type: 'confirm-whereabouts', personId, zoneId, staffId: 'st-1', at: now }).state;
}
