/**
 * The keep-apart hold (DESIGN.md "Things that are easy to get wrong"): before any door
 * is opened (grant, reception release, override, request to exit), merge the possible
 * zones across it as if it were already open; if that merge lets a keep-apart pair share
 * a tracked zone joined by this opening, the door is held.
 */
import type { DoorConfig } from '../config/schema.js';
import type { Effect } from './access-types.js';
import { label, nextCommandId, openDoors, setDoor, settle, type AccessState, type PendingPassage } from './access-state.js';
import { collapseTo, intersections, type Intersection, type PossibleZones } from './occupancy.js';

/** How long a door command stays valid on the wire (late or replayed delivery is dropped). */
export const COMMAND_TTL_MS = 3_000;

export interface OpeningCheck {
  /** Possible zones now, with the holder placed on their side of the door. */
  before: PossibleZones;
  /** Possible zones once the door is open. */
  after: PossibleZones;
  /**
   * Pairs that could meet, and where, in the zones this opening joins (the door's two
   * zones and everything already open to them). An intersection that was there before
   * counts too: the possible sets cannot tell whether this opening is the one that lets
   * the pair meet, so the door waits for reception to clear it from the cameras.
   */
  risks: Intersection[];
}

/** The person a door is opened for, on their side of it and heading to the other. */
export interface Holder {
  personId: string;
  fromZone: string;
  toZone: string;
}

export function checkOpening(state: AccessState, doorId: string, now: number, holder?: Holder): OpeningCheck {
  const { site, pairs } = state.ctx;
  const placed = holder ? collapseTo(state.possible, holder.personId, holder.fromZone, site) : state.possible;
  const before = settle(state, placed, now);
  // The holder is going through: from the street too, where the merge itself does not reach.
  const going = holder ? addZone(before, holder.personId, holder.toZone) : before;
  const after = settle(state, going, now, [doorId]);
  const joined = joinedZones(state, doorId, now);
  return { before, after, risks: intersections(after, pairs, site).filter((i) => joined.has(i.zoneId)) };
}

/** Zones joined to a door through an open-door list, per list (openDoors hands out the same list while the same doors are open). */
const joinedByList = new WeakMap<readonly DoorConfig[], Map<string, ReadonlySet<string>>>();

/** The door's two zones and every zone already joined to them through open doors. */
export function joinedZones(state: AccessState, doorId: string, now: number): ReadonlySet<string> {
  const doors = openDoors(state, now, [doorId]);
  let byDoor = joinedByList.get(doors);
  if (!byDoor) joinedByList.set(doors, (byDoor = new Map()));
  const known = byDoor.get(doorId);
  if (known) return known;
  const door = state.ctx.site.doors.get(doorId);
  const zones = new Set(door ? [door.from, door.to] : []);
  for (let changed = true; changed; ) {
    changed = false;
    for (const d of doors) {
      const [x, y] = [zones.has(d.from), zones.has(d.to)];
      if (x !== y) {
        zones.add(x ? d.to : d.from);
        changed = true;
      }
    }
  }
  byDoor.set(doorId, zones);
  return zones;
}

function addZone(possible: PossibleZones, personId: string, zoneId: string): PossibleZones {
  const zones = possible[personId] ?? [];
  return zones.includes(zoneId) ? possible : { ...possible, [personId]: [...zones, zoneId].sort() };
}

/** "A.S. and B.T. could meet in Corridor or Waiting room A", one clause per pair. */
export function meetingSentence(state: AccessState, risks: readonly Intersection[]): string {
  const byPair = new Map<string, string[]>();
  for (const r of risks) {
    const key = `${label(state, r.pair.a)} and ${label(state, r.pair.b)}`;
    const where = state.ctx.site.zoneName(r.zoneId);
    byPair.set(key, [...new Set([...(byPair.get(key) ?? []), where])]);
  }
  return [...byPair].map(([who, where]) => `${who} could meet in ${where.join(' or ')}`).join('; ');
}

/**
 * Unlock a door: the command, the door state, the pending passage and the merged zones.
 * `readerId`: the reader whose presentation this grants (it signals 'granted' with the unlock).
 */
export function openDoor(
  state: AccessState,
  doorId: string,
  now: number,
  after: PossibleZones,
  pending?: Omit<PendingPassage, 'since' | 'sawOpen'>,
  readerId?: string,
): { state: AccessState; effects: Effect[] } {
  const door = state.ctx.site.doors.get(doorId)!;
  const [s1, commandId] = nextCommandId(state, now);
  const s2 = setDoor(s1, doorId, { unlockedUntil: now + door.unlockSeconds * 1000, pending: pending && { ...pending, since: now, sawOpen: false }, unlockId: commandId });
  return {
    state: { ...s2, possible: after },
    effects: [{ type: 'door', command: { type: 'unlock', doorId, seconds: door.unlockSeconds, commandId, expiresAt: now + COMMAND_TTL_MS, ...(readerId ? { readerId } : {}) } }],
  };
}

/** Reader feedback for a refusal (denied / wait) as a door command; a grant rides on its unlock. */
export function feedback(state: AccessState, readerId: string, doorId: string, signal: 'denied' | 'wait', now: number): { state: AccessState; effect: Effect } {
  const [next, commandId] = nextCommandId(state, now);
  return { state: next, effect: { type: 'door', command: { type: 'feedback', readerId, doorId, signal, commandId } } };
}
