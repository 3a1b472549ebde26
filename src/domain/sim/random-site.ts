/**
 * Random centres for the simulator and the property tests: 2-3 entrances, each a chain
 * street -> [car park] -> [lobby] -> waiting room, a corridor from every waiting room,
 * 1-4 contact rooms off the corridor, and a staff entrance through reception.
 */
import type { DoorConfig, SiteConfig, ZoneConfig } from '../../config/schema.js';
import type { Rng } from './rng.js';

const ALL_DAY: [string, string][] = [['08:00', '20:00']];

function door(id: string, from: string, to: string): DoorConfig {
  const controller = { kind: 'mqtt' as const, deviceId: id };
  return {
    id,
    name: `Door ${id}`,
    from,
    to,
    readers: [
      { id: `${id}-in`, side: 'from', controller },
      { id: `${id}-out`, side: 'to', controller },
    ],
    unlockSeconds: 5,
    heldOpenSeconds: 30,
    fireEgress: false,
  };
}

export function randomSite(rng: Rng, timezone = 'Europe/London'): SiteConfig {
  const zones: ZoneConfig[] = [
    { id: 'outside', name: 'Street', kind: 'outside' },
    { id: 'reception', name: 'Reception', kind: 'reception' },
    { id: 'corridor', name: 'Corridor', kind: 'corridor' },
  ];
  const doors: DoorConfig[] = [door('staff', 'outside', 'reception'), door('reception', 'reception', 'corridor')];
  const entrances: SiteConfig['entrances'] = [];
  const count = rng.int(2, 3);
  for (let i = 1; i <= count; i++) {
    const chain = ['outside'];
    if (rng.chance(0.7)) chain.push(`carpark-${i}`);
    if (rng.chance(0.7)) chain.push(`lobby-${i}`);
    chain.push(`waiting-${i}`);
    const route: string[] = [];
    for (let k = 1; k < chain.length; k++) {
      const id = chain[k]!;
      zones.push({ id, name: id.replace('-', ' ').replace(/^./, (c) => c.toUpperCase()), kind: id.startsWith('carpark') ? 'carpark' : id.startsWith('lobby') ? 'lobby' : 'waiting' });
      doors.push(door(`${id}-door`, chain[k - 1]!, id));
      route.push(`${id}-door`);
    }
    doors.push(door(`corridor-${i}`, `waiting-${i}`, 'corridor'));
    entrances.push({ id: `entrance-${i}`, name: `Entrance ${i}`, doors: route, waitingZone: `waiting-${i}` });
  }
  const rooms: SiteConfig['rooms'] = [];
  for (let r = 1, n = rng.int(1, 4); r <= n; r++) {
    zones.push({ id: `room-${r}`, name: `Room ${r}`, kind: 'contact-room' });
    doors.push(door(`room-${r}`, 'corridor', `room-${r}`));
    rooms.push({ id: `room-${r}`, name: `Room ${r}`, zone: `room-${r}`, capacity: 12, shared: rng.chance(0.4) });
  }
  return {
    id: 'sim-centre',
    name: 'Simulated centre',
    timezone,
    openingHours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
    zones,
    doors,
    rooms,
    entrances,
    cameras: [],
  };
}
