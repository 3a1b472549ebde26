/**
 * The access decision (issue 3): a pure function of (state, input, now) returning the
 * next state, a decision with a reason a receptionist understands, and the effects to
 * carry out. Every decision is recorded (an audit effect, secrets left out) and every
 * change of a person's possible zones is reported (occupancy effects).
 */
import type { AccessInput, AuditedInput, Decision, Effect } from './access-types.js';
import { decideCredential } from './decide-credential.js';
import { decideDoorEvent } from './decide-door.js';
import { decideReception } from './decide-reception.js';
import { changedPeople } from './occupancy.js';
import type { AccessState } from './access-state.js';

export interface DecideResult {
  state: AccessState;
  decision: Decision;
  effects: Effect[];
}

export function decide(state: AccessState, input: AccessInput, now: number): DecideResult {
  const handled = dispatch(state, input, now);
  const occupancy: Effect[] = changedPeople(state.possible, handled.state.possible, state.ctx.site).map((c) => ({ type: 'occupancy', ...c }));
  const audit: Effect = { type: 'audit', decision: handled.decision, input: auditedInput(input) };
  return { state: handled.state, decision: handled.decision, effects: [...handled.effects, ...occupancy, audit] };
}

function dispatch(state: AccessState, input: AccessInput, now: number) {
  switch (input.type) {
    case 'credential-presented':
      return decideCredential(state, input, now);
    case 'reception-release':
    case 'reception-override':
    case 'confirm-whereabouts':
    case 'lockdown':
      return decideReception(state, input, now);
    default:
      return decideDoorEvent(state, input, now);
  }
}

/** The input as recorded: a PIN or QR payload is a secret and never leaves the decision. */
export function auditedInput(input: AccessInput): AuditedInput {
  if (input.type === 'credential-presented') {
    const c = input.credential;
    return { type: input.type, at: input.at, readerId: input.readerId, doorId: input.doorId, credentialKind: c.kind, ...(c.kind === 'card' ? { cardId: c.id } : {}) };
  }
  const out: AuditedInput = { type: input.type, at: input.at };
  for (const [k, v] of Object.entries(input)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
