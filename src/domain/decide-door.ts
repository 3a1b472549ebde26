/**
 * Door hardware events that are not a credential (issue 3, "Access decisions"): door
 * contacts (passages, forced openings), requests to exit, held-open doors, lock states,
 * tamper, panic, lockdown inputs, device availability. Each updates the possible zones
 * and raises the alerts reception must see.
 */
import type { CommandFailure, DeviceEvent, DoorCommandFailed } from './device-events.js';
import type { Decision, Effect } from './access-types.js';
import type { Handled } from './decide-credential.js';
import { formatLocalTime } from './local-time.js';
import { collapseTo, newIntersections } from './occupancy.js';
import { doorState, label, nextCommandId, setDoor, settle, type AccessState } from './access-state.js';
import { checkOpening, meetingSentence, openDoor } from './access-hold.js';

const recorded = (code: Decision['code'], reason: string, now: number, doorId?: string): Decision => ({
  outcome: 'recorded',
  code,
  reason,
  at: now,
  ...(doorId ? { doorId } : {}),
});

function meetingAlerts(state: AccessState, after: AccessState['possible'], because: string): Effect[] {
  const risks = newIntersections(state.possible, after, state.ctx.pairs, state.ctx.site);
  if (risks.length === 0) return [];
  const text = `${meetingSentence(state, risks)} (${because}). Check the cameras now.`;
  return [
    { type: 'alert', kind: 'possible-meeting', severity: 'critical', text, zoneId: risks[0]!.zoneId },
    { type: 'notify-reception', kind: 'hold', text },
  ];
}

export function decideDoorEvent(state: AccessState, ev: Exclude<DeviceEvent, { type: 'credential-presented' }>, now: number): Handled {
  const { site } = state.ctx;
  if ('doorId' in ev && ev.doorId !== undefined && !site.doors.has(ev.doorId)) {
    return { state, decision: { outcome: 'denied', code: 'UNKNOWN_DOOR', reason: `Event from door '${ev.doorId}', which is not in the site plan.`, at: now }, effects: [] };
  }
  switch (ev.type) {
    case 'door-contact':
      return ev.open ? contactOpened(state, ev.doorId, now) : contactClosed(state, ev.doorId, now);
    case 'door-forced': {
      const after = settle(state, state.possible, now, [ev.doorId]);
      const effects: Effect[] = [{ type: 'alert', kind: 'door-forced', severity: 'critical', text: `${site.doorName(ev.doorId)} was forced open.`, doorId: ev.doorId }, ...meetingAlerts(state, after, 'door forced')];
      return { state: { ...state, possible: after }, decision: recorded('RECORDED', `${site.doorName(ev.doorId)} was forced open.`, now, ev.doorId), effects };
    }
    case 'door-held-open': {
      const held = setDoor(state, ev.doorId, { open: true });
      const after = settle(held, held.possible, now);
      return {
        state: { ...held, possible: after },
        decision: recorded('RECORDED', `${site.doorName(ev.doorId)} is held open.`, now, ev.doorId),
        effects: [{ type: 'alert', kind: 'door-held-open', severity: 'warning', text: `${site.doorName(ev.doorId)} is held open.`, doorId: ev.doorId }, ...meetingAlerts(state, after, 'door held open')],
      };
    }
    case 'lock-state': {
      const next = setDoor(state, ev.doorId, { hardwareUnlocked: !ev.locked });
      const after = settle(next, next.possible, now);
      return { state: { ...next, possible: after }, decision: recorded('RECORDED', `${site.doorName(ev.doorId)} reports ${ev.locked ? 'locked' : 'unlocked'}.`, now, ev.doorId), effects: meetingAlerts(state, after, 'lock released') };
    }
    case 'request-to-exit':
      return requestToExit(state, ev.doorId, now);
    case 'tamper':
      return { state, decision: recorded('RECORDED', `Tamper ${ev.active ? 'alarm' : 'cleared'} on ${ev.deviceId}.`, now, ev.doorId), effects: ev.active ? [{ type: 'alert', kind: 'tamper', severity: 'critical', text: `Tamper alarm on ${ev.deviceId}.`, ...(ev.doorId ? { doorId: ev.doorId } : {}) }] : [] };
    case 'panic':
      return { state, decision: recorded('RECORDED', `Panic alarm from ${ev.sourceId}.`, now), effects: [{ type: 'alert', kind: 'panic', severity: 'critical', text: `Panic alarm from ${ev.sourceId}${ev.zoneId ? ` in ${site.zoneName(ev.zoneId)}` : ''}.`, ...(ev.zoneId ? { zoneId: ev.zoneId } : {}) }] };
    case 'lockdown-input':
      // A hardware input starts a lockdown; lifting it is a manager's decision on the dashboard.
      if (!ev.active) return { state, decision: recorded('RECORDED', `Lockdown input ${ev.sourceId} released; the lockdown stays until a manager lifts it.`, now), effects: [] };
      return setLockdown(state, true, now, `lockdown input ${ev.sourceId}`);
    case 'device-availability':
      return { state, decision: recorded('RECORDED', `${ev.deviceKind} ${ev.deviceId} is ${ev.online ? 'online' : 'offline'}.`, now), effects: ev.online ? [] : [{ type: 'alert', kind: 'device-offline', severity: 'warning', text: `${ev.deviceKind} ${ev.deviceId} is offline${ev.reason ? `: ${ev.reason}` : ''}.` }] };
    case 'motion':
      return { state, decision: recorded('RECORDED', `Motion ${ev.active ? 'started' : 'ended'} on ${ev.cameraId}.`, now), effects: [] };
    case 'door-command-failed':
      return commandFailed(state, ev, now);
  }
}

const FAILURE_WHY: Record<CommandFailure, string> = {
  'refused-expired': 'the controller got the command too late and refused it (check the network and the controller clock)',
  refused: 'the controller refused the command',
  'no-ack': 'the controller did not confirm the command (offline, or the message was lost)',
  'not-sent': 'contactd could not send the command (no connection to the controller)',
};

/**
 * A door command that did not take effect: reception is told, since the door is not as
 * contactd commanded. An unlock the controller refused (or that never left) also ends the
 * release in the access state, so the door does not show as unlocked and opening it reads
 * as forced. An unconfirmed one is left alone: the controller may have acted and lost only
 * its answer, and its door state reports are the truth either way.
 */
function commandFailed(state: AccessState, ev: DoorCommandFailed, now: number): Handled {
  const why = FAILURE_WHY[ev.failure];
  if (ev.command === 'lockdown') {
    const text = ev.active === false
      ? `Controller ${ev.deviceId} may still be in lockdown: ${why}.`
      : `Controller ${ev.deviceId} may not be locked down: ${why}. Check its doors by hand.`;
    return { state, decision: recorded('RECORDED', text, now), effects: [{ type: 'alert', kind: 'door-command-failed', severity: ev.active === false ? 'warning' : 'critical', text }] };
  }
  if (ev.doorId === undefined) return { state, decision: recorded('RECORDED', `A ${ev.command} command to ${ev.deviceId} failed: ${why}.`, now), effects: [] };
  const doorId = ev.doorId;
  const door = state.ctx.site.doorName(doorId);
  if (ev.command === 'lock') {
    const text = `${door} may still be unlocked: ${why}.`;
    return { state, decision: recorded('RECORDED', text, now, doorId), effects: [{ type: 'alert', kind: 'door-command-failed', severity: 'warning', text, doorId }] };
  }
  const known = ev.failure !== 'no-ack';
  const text = `${door} ${known ? 'did not unlock' : 'may not have unlocked'}: ${why}. If someone is waiting there, release it again or go to the door.`;
  const effects: Effect[] = [{ type: 'alert', kind: 'door-command-failed', severity: 'warning', text, doorId }];
  const d = doorState(state, doorId);
  if (!known || d.unlockId !== ev.commandId || d.unlockedUntil <= now || d.open || d.pending?.sawOpen) {
    return { state, decision: recorded('RECORDED', text, now, doorId), effects };
  }
  const next = setDoor(state, doorId, { unlockedUntil: now, pending: undefined });
  return { state: { ...next, possible: settle(next, next.possible, now) }, decision: recorded('RECORDED', text, now, doorId), effects };
}

function contactOpened(state: AccessState, doorId: string, now: number): Handled {
  const d = doorState(state, doorId);
  const authorised = d.unlockedUntil > now || d.hardwareUnlocked;
  const name = state.ctx.site.doorName(doorId);
  const next = setDoor(state, doorId, { open: true, pending: authorised && d.pending ? { ...d.pending, sawOpen: true } : undefined });
  const after = settle(next, next.possible, now);
  const effects: Effect[] = authorised ? [] : [{ type: 'alert', kind: 'door-forced', severity: 'critical', text: `${name} opened without a release.`, doorId }];
  effects.push(...meetingAlerts(state, after, authorised ? 'door opened' : 'door opened without a release'));
  return { state: { ...next, possible: after }, decision: recorded('RECORDED', `${name} opened.`, now, doorId), effects };
}

function contactClosed(state: AccessState, doorId: string, now: number): Handled {
  const d = doorState(state, doorId);
  const { site } = state.ctx;
  const passage = d.pending?.sawOpen ? d.pending : undefined;
  let next = setDoor(state, doorId, { open: false, pending: undefined, ...(passage ? { unlockedUntil: Math.min(d.unlockedUntil, now) } : {}) });
  const effects: Effect[] = [];
  if (passage) {
    // Relock on close so the passage is over; the holder is now behind the door (their own passage).
    const [withId, commandId] = nextCommandId(next, now);
    next = withId;
    effects.push({ type: 'door', command: { type: 'lock', doorId, commandId } });
    if (passage.personId) {
      next = { ...next, possible: collapseTo(next.possible, passage.personId, passage.toZone, site), passages: { ...next.passages, [`${passage.personId}|${doorId}`]: now } };
      effects.push(...releaseCountdowns(next, passage.personId, doorId, now));
    }
  }
  const after = settle(next, next.possible, now);
  return { state: { ...next, possible: after }, decision: recorded('RECORDED', `${site.doorName(doorId)} closed${passage?.personId ? ` after ${label(state, passage.personId)} passed` : ''}.`, now, doorId), effects };
}

/** The earlier party has left: reception sees when each waiting person may go. */
function releaseCountdowns(state: AccessState, personId: string, doorId: string, now: number): Effect[] {
  const waiting = state.ctx.movements.filter((m) => m.after?.personId === personId && m.after.doorId === doorId && m.windowEnd >= now);
  const seen = new Set<string>();
  return waiting.flatMap((m): Effect[] => {
    if (seen.has(m.personId)) return [];
    seen.add(m.personId);
    const until = now + m.after!.gapMs;
    return [{ type: 'notify-reception', kind: 'release-countdown', text: `${label(state, m.personId)} may leave at ${formatLocalTime(until, state.ctx.site.timezone)}.`, personId: m.personId, until }];
  });
}

function requestToExit(state: AccessState, doorId: string, now: number): Handled {
  const door = state.ctx.site.doors.get(doorId)!;
  const check = checkOpening(state, doorId, now);
  if (check.risks.length > 0 && !door.fireEgress) {
    const text = meetingSentence(state, check.risks);
    return {
      state,
      decision: { outcome: 'held', code: 'KEEP_APART_HOLD', reason: `Exit held at ${door.name}: ${text}.`, doorId, at: now },
      effects: [{ type: 'notify-reception', kind: 'hold', text: `Exit button pressed at ${door.name}, held: ${text}.`, doorId }],
    };
  }
  const opened = openDoor(state, doorId, now, check.after);
  const effects = [...opened.effects, ...meetingAlerts(state, check.after, 'fire exit used')];
  return { state: opened.state, decision: { outcome: 'granted', code: 'REQUEST_TO_EXIT', reason: `Exit button released ${door.name}.`, doorId, at: now }, effects };
}

export function setLockdown(state: AccessState, active: boolean, now: number, by: string): Handled {
  const [next, commandId] = nextCommandId({ ...state, lockdown: active }, now);
  const text = active ? `Lockdown started (${by}): staff only.` : `Lockdown ended (${by}).`;
  return {
    state: next,
    decision: recorded('LOCKDOWN_CHANGED', text, now),
    effects: [{ type: 'door', command: { type: 'lockdown', active, commandId } }, { type: 'notify-reception', kind: 'lockdown', text }],
  };
}
