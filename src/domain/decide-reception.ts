/**
 * Reception's actions (issue 3, "Access decisions"): release a door, override a hold with
 * a manager's approval, confirm a person's whereabouts from the camera, lockdown. A
 * receptionist under stress must never release a door into a meeting by accident
 * (DESIGN.md): a release that would risk one is held and says who would meet whom, where;
 * only an override approved by a second, more senior person opens it.
 */
import type { ReceptionAction, Effect } from './access-types.js';
import type { Handled } from './decide-credential.js';
import type { StaffRole } from './model.js';
import { collapseTo } from './occupancy.js';
import { label, settle, type AccessState } from './access-state.js';
import { checkOpening, meetingSentence, openDoor } from './access-hold.js';
import { setLockdown } from './decide-door.js';

const SENIOR: readonly StaffRole[] = ['manager', 'safeguarding-lead'];

function isSenior(state: AccessState, id: string): boolean {
  return (state.ctx.staff[id] ?? []).some((r) => SENIOR.includes(r));
}

function deny(state: AccessState, now: number, code: Handled['decision']['code'], reason: string, actorIds: string[], doorId?: string): Handled {
  return { state, decision: { outcome: 'denied', code, reason, at: now, actorIds, ...(doorId ? { doorId } : {}) }, effects: [] };
}

export function decideReception(state: AccessState, action: ReceptionAction, now: number): Handled {
  const { site } = state.ctx;
  switch (action.type) {
    case 'confirm-whereabouts': {
      if (!state.ctx.staff[action.staffId]) return deny(state, now, 'NOT_AUTHORISED', 'Only staff can confirm where someone is.', [action.staffId]);
      if (!site.zones.has(action.zoneId)) return deny(state, now, 'UNKNOWN_ZONE', `There is no zone '${action.zoneId}'.`, [action.staffId]);
      const possible = settle(state, collapseTo(state.possible, action.personId, action.zoneId, site), now);
      return {
        state: { ...state, possible },
        decision: { outcome: 'recorded', code: 'WHEREABOUTS_CONFIRMED', reason: `${label(state, action.personId)} seen on camera in ${site.zoneName(action.zoneId)}.`, personId: action.personId, actorIds: [action.staffId], at: now },
        effects: [],
      };
    }
    case 'lockdown':
      // Anyone on staff may lock the building down in an emergency; only a manager lifts it (issue 7).
      if (!state.ctx.staff[action.managerId]) return deny(state, now, 'NOT_AUTHORISED', 'Only staff can start a lockdown.', [action.managerId]);
      if (!action.active && !isSenior(state, action.managerId)) return deny(state, now, 'MANAGER_REQUIRED', 'Only a manager or the safeguarding lead can end a lockdown.', [action.managerId]);
      return setLockdown(state, action.active, now, `${label(state, action.managerId)}: ${action.reason}`);
    case 'reception-release':
    case 'reception-override':
      return release(state, action, now);
  }
}

function release(state: AccessState, action: Extract<ReceptionAction, { doorId: string }>, now: number): Handled {
  const { site } = state.ctx;
  const override = action.type === 'reception-override';
  const actors = override ? [action.staffId, action.managerId] : [action.staffId];
  const door = site.doors.get(action.doorId);
  if (!door) return deny(state, now, 'UNKNOWN_DOOR', `There is no door '${action.doorId}'.`, actors);
  if (!state.ctx.staff[action.staffId]) return deny(state, now, 'NOT_AUTHORISED', 'Only staff can release doors.', actors, door.id);
  if (override && (action.managerId === action.staffId || !isSenior(state, action.managerId))) {
    return deny(state, now, 'MANAGER_REQUIRED', 'An override needs a second person who is a manager or the safeguarding lead.', actors, door.id);
  }
  if (action.towards !== undefined && action.towards !== door.from && action.towards !== door.to) {
    return deny(state, now, 'UNKNOWN_ZONE', `${door.name} does not lead into '${action.towards}'.`, actors, door.id);
  }
  if (state.lockdown && !override) return deny(state, now, 'LOCKDOWN', 'The centre is in lockdown: only a manager override opens doors.', actors, door.id);
  const towards = action.towards ?? door.to;
  const fromZone = towards === door.to ? door.from : door.to;
  const holder = action.personId ? { personId: action.personId, fromZone, toZone: towards } : undefined;
  const check = checkOpening(state, door.id, now, holder);
  const text = meetingSentence(state, check.risks);
  const who = action.personId ? { personId: action.personId } : {};
  if (check.risks.length > 0 && !override) {
    return {
      state,
      decision: { outcome: 'held', code: 'KEEP_APART_HOLD', reason: `Not released: ${text}. A manager must approve an override.`, doorId: door.id, actorIds: actors, at: now, ...who },
      effects: [{ type: 'notify-reception', kind: 'hold', text: `Releasing ${door.name} would risk a meeting: ${text}.`, doorId: door.id }],
    };
  }
  const opened = openDoor(state, door.id, now, check.after, { ...(action.personId ? { personId: action.personId } : {}), fromZone, toZone: towards });
  const effects: Effect[] = [...opened.effects];
  if (override) {
    const risky = check.risks.length > 0;
    effects.push({ type: 'alert', kind: 'override', severity: risky ? 'critical' : 'warning', doorId: door.id, text: `${door.name} released by override (${label(state, action.staffId)}, approved by ${label(state, action.managerId)}): ${action.reason}.${risky ? ` ${text}.` : ''}` });
  }
  const reason = `${door.name} released by ${override ? 'manager override' : 'reception'}: ${action.reason}.`;
  return {
    state: opened.state,
    decision: { outcome: 'granted', code: override ? 'MANAGER_OVERRIDE' : 'RECEPTION_RELEASE', reason, doorId: door.id, actorIds: actors, at: now, ...who },
    effects,
  };
}
