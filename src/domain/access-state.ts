/**
 * The state the access decisions run on: the day's context (site, credentials,
 * movements, keep-apart pairs, staff roles) and what the decisions have learned (possible
 * zones, door states, passages seen, lockdown). Plain data, replaced not mutated, so a
 * decision is a pure function of (state, input, now).
 */
import type { DoorConfig } from '../config/schema.js';
import type { Credential, KeepApartPair, Movement, StaffRole } from './model.js';
import type { SiteIndex } from './site-index.js';
import type { PlanningSettings } from './stagger.js';
import { indexCredentials, type CredentialIndex } from './credentials.js';
import { closeOverDoors, type PossibleZones } from './occupancy.js';

export interface AccessContext {
  site: SiteIndex;
  planning: PlanningSettings;
  credentials: readonly Credential[];
  /** Every planned movement of the day, all bookings. */
  movements: readonly Movement[];
  /** Every keep-apart pair of the day (see keepApartPairsOf). */
  pairs: readonly KeepApartPair[];
  /** Staff and their roles; a credential without a booking is a staff card only if its person is here. */
  staff: Readonly<Record<string, readonly StaffRole[]>>;
  /** Initials to name people in reasons (never full names: reasons may reach a reader display). */
  initials?: Readonly<Record<string, string>>;
}

export interface PendingPassage {
  personId?: string;
  fromZone: string;
  toZone: string;
  since: number;
  sawOpen: boolean;
}

export interface DoorState {
  /** Unlocked by contactd until this instant (relocked when the door closes after a passage). */
  unlockedUntil: number;
  /** Door contact reports the leaf open. */
  open: boolean;
  /** The controller reports the lock released (whoever released it). */
  hardwareUnlocked: boolean;
  pending?: PendingPassage;
  /** The command id of contactd's latest unlock of this door (a failure report names it). */
  unlockId?: string;
}

export interface AccessState {
  ctx: AccessContext;
  credentialIndex: CredentialIndex;
  possible: PossibleZones;
  doors: Readonly<Record<string, DoorState>>;
  /** `${personId}|${doorId}` -> instant of the latest passage seen. */
  passages: Readonly<Record<string, number>>;
  lockdown: boolean;
  /** Counter for unique command ids. */
  seq: number;
}

export function createAccessState(ctx: AccessContext): AccessState {
  return { ctx, credentialIndex: indexCredentials(ctx.credentials), possible: {}, doors: {}, passages: {}, lockdown: false, seq: 0 };
}

/** Replace parts of the context (new bookings, a revoked credential): takes effect on the next decision. */
export function withContext(state: AccessState, patch: Partial<AccessContext>): AccessState {
  const ctx = { ...state.ctx, ...patch };
  return { ...state, ctx, credentialIndex: patch.credentials ? indexCredentials(ctx.credentials) : state.credentialIndex };
}

export const CLOSED_DOOR: DoorState = { unlockedUntil: 0, open: false, hardwareUnlocked: false };

export function doorState(state: AccessState, doorId: string): DoorState {
  return state.doors[doorId] ?? CLOSED_DOOR;
}

export function isDoorOpen(d: DoorState, now: number): boolean {
  return d.open || d.hardwareUnlocked || d.unlockedUntil > now;
}

/**
 * One decision asks for the open doors several times with the same door states and time;
 * the answer is remembered for those (a pure function's memo: same inputs, same array).
 */
let openDoorsMemo: { doors: AccessState['doors']; site: AccessContext['site']; now: number; byExtra: Map<string, readonly DoorConfig[]> } | undefined;
/**
 * Open-door lists handed out lately: the same doors open give the same frozen array from one
 * decision to the next, so what is derived from that array (the zones it joins, see
 * closeOverDoors and joinedZones) is computed once and not on every tap.
 */
const recentOpenLists: (readonly DoorConfig[])[] = [];
const RECENT_OPEN_LISTS = 8;

function sameDoors(a: readonly DoorConfig[], b: readonly DoorConfig[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Doors anyone could pass through right now, plus `extra` (the door an action would open), in site order. */
export function openDoors(state: AccessState, now: number, extra: readonly string[] = []): readonly DoorConfig[] {
  const { site } = state.ctx;
  const memo = openDoorsMemo;
  const fresh = !memo || memo.doors !== state.doors || memo.site !== site || memo.now !== now;
  const byExtra = fresh ? new Map<string, readonly DoorConfig[]>() : memo.byExtra;
  if (fresh) openDoorsMemo = { doors: state.doors, site, now, byExtra };
  const extraKey = extra.length === 1 ? extra[0]! : extra.join('|');
  const known = byExtra.get(extraKey);
  if (known) return known;
  const open: DoorConfig[] = [];
  for (const door of site.site.doors) {
    const d = state.doors[door.id];
    if (extra.includes(door.id) || (d !== undefined && isDoorOpen(d, now))) open.push(door);
  }
  let doors = recentOpenLists.find((list) => sameDoors(list, open));
  if (!doors) {
    doors = Object.freeze(open);
    recentOpenLists.unshift(doors);
    if (recentOpenLists.length > RECENT_OPEN_LISTS) recentOpenLists.pop();
  }
  byExtra.set(extraKey, doors);
  return doors;
}

/** Possible zones closed over the currently open doors. */
export function settle(state: AccessState, possible: PossibleZones, now: number, extra: readonly string[] = []): PossibleZones {
  return closeOverDoors(possible, openDoors(state, now, extra), state.ctx.site);
}

export function setDoor(state: AccessState, doorId: string, patch: Partial<DoorState>): AccessState {
  return { ...state, doors: { ...state.doors, [doorId]: { ...doorState(state, doorId), ...patch } } };
}

export function label(state: AccessState, personId: string): string {
  return state.ctx.initials?.[personId] ?? personId;
}

export function nextCommandId(state: AccessState, now: number): [AccessState, string] {
  return [{ ...state, seq: state.seq + 1 }, `${state.ctx.site.site.id}-${now}-${state.seq}`];
}
