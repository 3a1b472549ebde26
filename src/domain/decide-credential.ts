/**
 * A credential presented at a reader (issue 3, "Access decisions"): who is it, is the
 * credential live, which movement or staff schedule allows it, and would opening the door
 * risk a keep-apart meeting. Early arrivals are held, wrong doors redirected, released
 * departures wait for the other party's exit plus the gap.
 */
import type { DeviceEvent } from './device-events.js';
import type { Credential, Movement } from './model.js';
import type { Decision, DecisionCode, Effect } from './access-types.js';
import { isActive, resolveCredential, staffScheduleAllows } from './credentials.js';
import { formatLocalTime } from './local-time.js';
import { collapseTo, possibleOf } from './occupancy.js';
import { label, settle, type AccessState } from './access-state.js';
import { checkOpening, feedback, meetingSentence, openDoor } from './access-hold.js';

type Presented = Extract<DeviceEvent, { type: 'credential-presented' }>;
export interface Handled {
  state: AccessState;
  decision: Decision;
  effects: Effect[];
}

export function decideCredential(state: AccessState, ev: Presented, now: number): Handled {
  const { site } = state.ctx;
  const found = site.readers.get(ev.readerId);
  if (!found || found.door.id !== ev.doorId) return refuse(state, ev, now, 'denied', 'UNKNOWN_READER', 'This reader is not in the site plan; the door stays locked.');
  const door = found.door;
  const [fromZone, toZone] = found.reader.side === 'from' ? [door.from, door.to] : [door.to, door.from];
  const credential = resolveCredential(state.credentialIndex, ev.credential, now);
  if (!credential) {
    return refuse(state, ev, now, 'denied', 'UNKNOWN_CREDENTIAL', `An unknown ${ev.credential.kind} was used at ${door.name}; please see reception.`, {}, [
      { type: 'notify-reception', kind: 'unknown-credential', text: `Unknown ${ev.credential.kind} at ${door.name}.`, doorId: door.id },
    ]);
  }
  const who = { personId: credential.personId, credentialId: credential.id };
  if (!isActive(credential, now)) return refuse(state, ev, now, 'denied', 'CREDENTIAL_REVOKED', `The ${credential.kind} of ${label(state, credential.personId)} has been revoked or is not valid yet.`, who);
  // Anti-passback: a credential used on a side its owner cannot be on is someone else's hand.
  if (!possibleOf(state.possible, credential.personId, site).includes(fromZone)) {
    return refuse(state, ev, now, 'denied', 'ANTI_PASSBACK', `${label(state, credential.personId)} is not believed to be in ${site.zoneName(fromZone)}; the card may be in someone else's hand. Confirm on camera.`, who);
  }
  // Positive evidence: the owner is at this reader, on this side.
  const placed = { ...state, possible: settle(state, collapseTo(state.possible, credential.personId, fromZone, site), now) };
  const isStaff = credential.bookingId === undefined && state.ctx.staff[credential.personId] !== undefined;
  if (isStaff) {
    if (!staffScheduleAllows(credential, now, site.timezone)) return refuse(placed, ev, now, 'denied', 'OUTSIDE_SCHEDULE', `${label(state, credential.personId)}'s card is not valid at this time.`, who);
    return tryOpen(placed, ev, now, fromZone, toZone, credential, undefined);
  }
  if (credential.bookingId === undefined) return refuse(placed, ev, now, 'denied', 'NOT_AUTHORISED', 'This credential belongs to no booking and no staff member.', who);
  if (state.lockdown) return refuse(placed, ev, now, 'denied', 'LOCKDOWN', 'The centre is in lockdown: staff only.', who);
  return decideVisitor(placed, ev, now, fromZone, toZone, credential);
}

function decideVisitor(state: AccessState, ev: Presented, now: number, fromZone: string, toZone: string, credential: Credential): Handled {
  const { site, planning } = state.ctx;
  const tz = site.timezone;
  const who = { personId: credential.personId, credentialId: credential.id };
  const own = state.ctx.movements.filter((m) => m.personId === credential.personId && m.bookingId === credential.bookingId);
  const here = own.filter((m) => m.doorId === ev.doorId && m.fromZone === fromZone && m.toZone === toZone);
  const current = here.find((m) => m.windowStart <= now && now <= m.windowEnd);
  if (current) {
    const wait = releaseWait(state, current, now);
    if (wait) return wait.until === undefined
      ? refuse(state, ev, now, 'held', 'WAIT_FOR_RELEASE', `Please wait: ${label(state, credential.personId)} may leave once ${label(state, current.after!.personId)} has left.`, { ...who, movementId: current.id }, [
          { type: 'notify-reception', kind: 'release-countdown', text: `${label(state, credential.personId)} is waiting to leave by ${site.doorName(ev.doorId)}.`, doorId: ev.doorId, personId: credential.personId },
        ])
      : refuse(state, ev, now, 'held', 'WAIT_FOR_RELEASE', `Please wait until ${formatLocalTime(wait.until, tz)} to leave.`, { ...who, movementId: current.id }, [
          { type: 'notify-reception', kind: 'release-countdown', text: `${label(state, credential.personId)} may leave at ${formatLocalTime(wait.until, tz)}.`, doorId: ev.doorId, personId: credential.personId, until: wait.until },
        ]);
    return tryOpen(state, ev, now, fromZone, toZone, credential, current);
  }
  const holdMs = planning.earlyArrivalHoldMinutes * 60_000;
  const soon = here.filter((m) => m.windowStart > now && m.windowStart - holdMs <= now).sort((a, b) => a.windowStart - b.windowStart)[0];
  if (soon) {
    const text = `You are early: please wait until ${formatLocalTime(soon.windowStart, tz)}.`;
    return refuse(state, ev, now, 'held', 'EARLY', text, { ...who, movementId: soon.id }, [
      { type: 'notify-reception', kind: 'early', text: `${label(state, credential.personId)} is early at ${site.doorName(ev.doorId)}; due ${formatLocalTime(soon.windowStart, tz)}.`, doorId: ev.doorId, personId: credential.personId, until: soon.windowStart },
    ]);
  }
  const elsewhere = own.find((m) => m.fromZone === fromZone && m.windowStart - holdMs <= now && now <= m.windowEnd);
  if (elsewhere) {
    const entrance = site.entrances.find((e) => e.doors.includes(elsewhere.doorId));
    const name = entrance?.name ?? site.doorName(elsewhere.doorId);
    return refuse(state, ev, now, 'denied', 'WRONG_DOOR', `Please use ${name}.`, who, [
      { type: 'notify-reception', kind: 'wrong-door', text: `${label(state, credential.personId)} tried ${site.doorName(ev.doorId)}; their way is ${name}.`, doorId: ev.doorId, personId: credential.personId },
    ]);
  }
  if (here.some((m) => m.windowEnd < now)) {
    return refuse(state, ev, now, 'denied', 'WINDOW_PASSED', 'Your time at this door has passed; please call reception.', who, [
      { type: 'notify-reception', kind: 'late', text: `${label(state, credential.personId)} is at ${site.doorName(ev.doorId)} after their window.`, doorId: ev.doorId, personId: credential.personId },
    ]);
  }
  return refuse(state, ev, now, 'denied', 'NO_BOOKING_NOW', 'There is no booking for you at this door now; please call reception.', who);
}

/** A released departure waits for the earlier party's exit (plus the gap). */
function releaseWait(state: AccessState, m: Movement, now: number): { until?: number } | undefined {
  if (!m.after) return undefined;
  const seen = state.passages[`${m.after.personId}|${m.after.doorId}`];
  if (seen === undefined || seen < m.windowStart - m.after.gapMs) return {};
  const until = seen + m.after.gapMs;
  return now < until ? { until } : undefined;
}

function tryOpen(state: AccessState, ev: Presented, now: number, fromZone: string, toZone: string, credential: Credential, movement: Movement | undefined): Handled {
  const who = { personId: credential.personId, credentialId: credential.id, ...(movement ? { movementId: movement.id } : {}) };
  const check = checkOpening(state, ev.doorId, now, { personId: credential.personId, fromZone, toZone });
  if (check.risks.length > 0) {
    const text = meetingSentence(state, check.risks);
    return refuse(state, ev, now, 'held', 'KEEP_APART_HOLD', `Please wait: ${text}. Reception has been told.`, who, [
      { type: 'notify-reception', kind: 'hold', text: `Held ${state.ctx.site.doorName(ev.doorId)} for ${label(state, credential.personId)}: ${text}.`, doorId: ev.doorId, personId: credential.personId },
    ]);
  }
  const opened = openDoor(state, ev.doorId, now, check.after, { personId: credential.personId, fromZone, toZone }, ev.readerId);
  const code: DecisionCode = movement ? 'MOVEMENT' : 'STAFF';
  const reason = movement
    ? `${label(state, credential.personId)} admitted through ${state.ctx.site.doorName(ev.doorId)} for their booked ${movement.purpose}.`
    : `Staff ${label(state, credential.personId)} admitted through ${state.ctx.site.doorName(ev.doorId)}.`;
  return { state: opened.state, decision: { outcome: 'granted', code, reason, doorId: ev.doorId, at: now, ...who }, effects: opened.effects };
}

function refuse(
  state: AccessState,
  ev: Presented,
  now: number,
  outcome: 'denied' | 'held',
  code: DecisionCode,
  reason: string,
  who: { personId?: string; credentialId?: string; movementId?: string } = {},
  extra: Effect[] = [],
): Handled {
  const fb = feedback(state, ev.readerId, ev.doorId, outcome === 'held' ? 'wait' : 'denied', now);
  return { state: fb.state, decision: { outcome, code, reason, doorId: ev.doorId, at: now, ...who }, effects: [fb.effect, ...extra] };
}
