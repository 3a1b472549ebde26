/**
 * Where each person on site could be (DESIGN.md "Things that are easy to get wrong"):
 * the daemon sees credentials and door contacts, not people, so it keeps for every
 * person a set of POSSIBLE zones. An open or unlocked door joins the sets of both its
 * sides (anyone could tailgate either way); a set shrinks only on positive evidence.
 * The street (zone kind 'outside') never propagates inwards: contactd cannot hold the
 * public street, the gate cameras watch it (docs/planning.md).
 */
import type { DoorConfig } from '../config/schema.js';
import type { KeepApartPair } from './model.js';
import type { SiteIndex } from './site-index.js';

/** personId -> sorted possible zones. A person not listed is in the street only. */
export type PossibleZones = Readonly<Record<string, readonly string[]>>;

export function possibleOf(possible: PossibleZones, personId: string, site: SiteIndex): readonly string[] {
  return possible[personId] ?? [site.outsideZone];
}

/**
 * Nothing known about these people: each is possibly in every zone, so every opening that
 * could bring a keep-apart pair together is held until reception confirms where they are.
 */
export function anywhere(people: Iterable<string>, site: SiteIndex): PossibleZones {
  const all = [...site.zones.keys()].sort();
  return Object.fromEntries([...new Set(people)].map((personId) => [personId, all]));
}

/** Positive evidence: the person is in exactly this zone. */
export function collapseTo(possible: PossibleZones, personId: string, zoneId: string, site: SiteIndex): PossibleZones {
  const now = possible[personId];
  // Already known to be exactly there: the same object, so nothing downstream sees a change.
  if (now ? now.length === 1 && now[0] === zoneId : zoneId === site.outsideZone) return possible;
  if (zoneId !== site.outsideZone) return { ...possible, [personId]: [zoneId] };
  // Dropped by a rest copy, not `delete`: a deleted key turns the object into a hash table, and
  // every later copy of it (several per decision) costs about fifty times as much.
  const { [personId]: _street, ...rest } = possible;
  return rest;
}

/** Zones joined by the open doors; only a tracked zone gives (the street only receives). Kept per doors array. */
const joinedByDoors = new WeakMap<readonly DoorConfig[], ReadonlyMap<string, readonly string[]>>();
function joinedBy(openDoors: readonly DoorConfig[], site: SiteIndex): ReadonlyMap<string, readonly string[]> {
  const known = Object.isFrozen(openDoors) ? joinedByDoors.get(openDoors) : undefined;
  if (known) return known;
  const joined = new Map<string, string[]>();
  const link = (here: string, there: string) => {
    if (!site.isTracked(here)) return;
    const list = joined.get(here);
    if (list) list.push(there);
    else joined.set(here, [there]);
  };
  for (const door of openDoors) {
    link(door.from, door.to);
    link(door.to, door.from);
  }
  // Only a frozen array cannot change under the cache.
  if (Object.isFrozen(openDoors)) joinedByDoors.set(openDoors, joined);
  return joined;
}

/**
 * Close every set over the given open doors: a person possibly on one side of an open
 * door is possibly on the other side too, repeated until nothing changes (two open doors
 * in a row join three zones). The street side only receives, it never gives.
 */
export function closeOverDoors(possible: PossibleZones, openDoors: readonly DoorConfig[], site: SiteIndex): PossibleZones {
  if (openDoors.length === 0) return possible;
  const joined = joinedBy(openDoors, site);
  let next: Record<string, readonly string[]> | undefined;
  // Plain loops, no per-person allocation: this runs several times per decision over everyone on site.
  for (const personId in possible) {
    const start = possible[personId]!;
    if (isClosed(start, joined)) continue;
    const zones = new Set(start);
    const queue = [...start];
    while (queue.length > 0) {
      for (const there of joined.get(queue.pop()!) ?? []) {
        if (zones.has(there)) continue;
        zones.add(there);
        queue.push(there);
      }
    }
    if (zones.size === start.length) continue;
    next ??= { ...possible };
    next[personId] = [...zones].sort();
  }
  return next ?? possible;
}

/** Every zone joined to one of `zones` is in `zones` already (the usual case: nothing opened since the last decision). */
function isClosed(zones: readonly string[], joined: ReadonlyMap<string, readonly string[]>): boolean {
  for (const zone of zones) {
    const there = joined.get(zone);
    if (there === undefined) continue;
    for (const other of there) if (!zones.includes(other)) return false;
  }
  return true;
}

export interface Intersection {
  pair: KeepApartPair;
  zoneId: string;
}

/** Keep-apart pairs whose possible sets share a tracked zone. */
export function intersections(possible: PossibleZones, pairs: readonly KeepApartPair[], site: SiteIndex): Intersection[] {
  const out: Intersection[] = [];
  for (const pair of pairs) {
    const a = possible[pair.a];
    const b = possible[pair.b];
    if (!a || !b) continue;
    const bs = new Set(b);
    for (const zoneId of a) if (bs.has(zoneId) && site.isTracked(zoneId)) out.push({ pair, zoneId });
  }
  return out;
}

/** Intersections present in `after` and not in `before`: what an action would newly risk. */
export function newIntersections(before: PossibleZones, after: PossibleZones, pairs: readonly KeepApartPair[], site: SiteIndex): Intersection[] {
  const key = (i: Intersection) => `${i.pair.a}|${i.pair.b}|${i.zoneId}`;
  const old = new Set(intersections(before, pairs, site).map(key));
  return intersections(after, pairs, site).filter((i) => !old.has(key(i)));
}

/** People whose set differs between two states, with their new set (for occupancy effects). */
export function changedPeople(before: PossibleZones, after: PossibleZones, site: SiteIndex): { personId: string; zones: readonly string[] }[] {
  const out: { personId: string; zones: readonly string[] }[] = [];
  if (before === after) return out;
  for (const personId in before) {
    const y = possibleOf(after, personId, site);
    if (!sameZones(before[personId]!, y)) out.push({ personId, zones: y });
  }
  // New in `after`: were in the street only.
  for (const personId in after) {
    if (personId in before) continue;
    const y = after[personId]!;
    if (!sameZones(possibleOf(before, personId, site), y)) out.push({ personId, zones: y });
  }
  return out;
}

/** States are replaced, not mutated: an unchanged set is usually the same array. */
function sameZones(x: readonly string[], y: readonly string[]): boolean {
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
