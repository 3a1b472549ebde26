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

function setZones(possible: PossibleZones, personId: string, zones: Iterable<string>, site: SiteIndex): PossibleZones {
  const sorted = [...new Set(zones)].sort();
  const next = { ...possible };
  if (sorted.length === 1 && sorted[0] === site.outsideZone) delete next[personId];
  else next[personId] = sorted;
  return next;
}

/** Positive evidence: the person is in exactly this zone. */
export function collapseTo(possible: PossibleZones, personId: string, zoneId: string, site: SiteIndex): PossibleZones {
  return setZones(possible, personId, [zoneId], site);
}

/**
 * Close every set over the given open doors: a person possibly on one side of an open
 * door is possibly on the other side too, repeated until nothing changes (two open doors
 * in a row join three zones). The street side only receives, it never gives.
 */
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

export function closeOverDoors(possible: PossibleZones, openDoors: readonly DoorConfig[], site: SiteIndex): PossibleZones {
  if (openDoors.length === 0) return possible;
  const joined = joinedBy(openDoors, site);
  let next: Record<string, readonly string[]> | undefined;
  for (const [personId, start] of Object.entries(possible)) {
    // Already closed (the usual case: nothing opened since the last decision): no allocation.
    if (start.every((z) => (joined.get(z) ?? []).every((there) => start.includes(there)))) continue;
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
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const personId of ids) {
    const x = possibleOf(before, personId, site);
    const y = possibleOf(after, personId, site);
    // States are replaced, not mutated: an unchanged set is the same array.
    if (x !== y && (x.length !== y.length || x.some((z, i) => z !== y[i]))) out.push({ personId, zones: y });
  }
  return out;
}
