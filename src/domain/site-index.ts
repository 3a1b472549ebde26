/**
 * Lookups over a validated site description: zones, doors, readers, entrances, rooms,
 * and the route from a waiting room to a contact room. Built once per config and shared
 * by the planner and the access decisions.
 */
import type { DoorConfig, EntranceConfig, ReaderConfig, RoomConfig, SiteConfig, ZoneConfig } from '../config/schema.js';

export interface SiteIndex {
  readonly site: SiteConfig;
  readonly timezone: string;
  readonly zones: ReadonlyMap<string, ZoneConfig>;
  readonly doors: ReadonlyMap<string, DoorConfig>;
  readonly readers: ReadonlyMap<string, { reader: ReaderConfig; door: DoorConfig }>;
  readonly rooms: ReadonlyMap<string, RoomConfig>;
  readonly entrances: readonly EntranceConfig[];
  /** A zone where a meeting counts: every zone except the public street (kind 'outside'). */
  isTracked(zoneId: string): boolean;
  zoneName(zoneId: string): string;
  doorName(doorId: string): string;
  /** The first zone of kind 'outside' (the street). */
  readonly outsideZone: string;
}

export function indexSite(site: SiteConfig): SiteIndex {
  const zones = new Map(site.zones.map((z) => [z.id, z]));
  const doors = new Map(site.doors.map((d) => [d.id, d]));
  const readers = new Map(site.doors.flatMap((door) => door.readers.map((reader) => [reader.id, { reader, door }] as const)));
  const outside = site.zones.find((z) => z.kind === 'outside');
  if (!outside) throw new RangeError("site has no zone of kind 'outside'");
  return {
    site,
    timezone: site.timezone ?? 'Europe/London',
    zones,
    doors,
    readers,
    rooms: new Map(site.rooms.map((r) => [r.id, r])),
    entrances: site.entrances,
    isTracked: (zoneId) => zones.get(zoneId)?.kind !== 'outside',
    zoneName: (zoneId) => zones.get(zoneId)?.name ?? zoneId,
    doorName: (doorId) => doors.get(doorId)?.name ?? doorId,
    outsideZone: outside.id,
  };
}

/** One passage through a door in a direction. */
export interface Step {
  doorId: string;
  fromZone: string;
  toZone: string;
}

/** The steps of an entrance route, street to waiting room. */
export function entranceSteps(index: SiteIndex, entrance: EntranceConfig): Step[] {
  return entrance.doors.map((doorId) => {
    const door = index.doors.get(doorId);
    if (!door) throw new RangeError(`entrance ${entrance.id} names unknown door ${doorId}`);
    return { doorId, fromZone: door.from, toZone: door.to };
  });
}

/** The same steps walked the other way, in reverse order. */
export function reverseSteps(steps: readonly Step[]): Step[] {
  return [...steps].reverse().map((s) => ({ doorId: s.doorId, fromZone: s.toZone, toZone: s.fromZone }));
}

/**
 * Shortest door route between two zones inside the building, never through the street
 * and never through a zone in `avoid` (the other party's waiting room and lobby).
 * Returns undefined when there is none.
 */
export function routeBetween(index: SiteIndex, from: string, to: string, avoid: ReadonlySet<string> = new Set()): Step[] | undefined {
  const previous = new Map<string, Step>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const zone = queue.shift()!;
    if (zone === to) break;
    for (const door of index.site.doors) {
      const next = door.from === zone ? door.to : door.to === zone ? door.from : undefined;
      if (next === undefined || seen.has(next) || !index.isTracked(next)) continue;
      if (avoid.has(next) && next !== to) continue;
      seen.add(next);
      previous.set(next, { doorId: door.id, fromZone: zone, toZone: next });
      queue.push(next);
    }
  }
  if (!seen.has(to)) return undefined;
  const steps: Step[] = [];
  for (let at = to; at !== from; ) {
    const step = previous.get(at)!;
    steps.unshift(step);
    at = step.fromZone;
  }
  return steps;
}

/** Zones an entrance route passes through (car park, lobby, waiting room), street excluded. */
export function entranceZones(index: SiteIndex, entrance: EntranceConfig): Set<string> {
  return new Set(entranceSteps(index, entrance).map((s) => s.toZone).filter((z) => index.isTracked(z)));
}
