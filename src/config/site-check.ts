/**
 * Checks the meaning of a site description that the JSON schema cannot: unique ids,
 * references that resolve, and entrances that really lead from the street to their
 * waiting room door by door.
 */
import type { Config } from './schema.js';
import type { ConfigProblem } from './load.js';

export function checkSiteReferences(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { site, settings } = config;
  const add = (path: string, reason: string) => problems.push({ path, reason });

  const zoneIds = uniqueIds(site.zones, '/site/zones', add);
  const doorIds = uniqueIds(site.doors, '/site/doors', add);
  uniqueIds(site.rooms, '/site/rooms', add);
  uniqueIds(site.entrances, '/site/entrances', add);
  uniqueIds(site.cameras, '/site/cameras', add);
  uniqueIds(
    site.doors.flatMap((d) => d.readers),
    '/site/doors/*/readers',
    add,
  );
  const busIds = new Set(settings.serial.buses.map((b) => b.id));

  if (!site.zones.some((z) => z.kind === 'outside')) add('/site/zones', "needs one zone of kind 'outside' (the street)");

  const osdpAddresses = new Map<string, string>();
  site.doors.forEach((door, i) => {
    const p = `/site/doors/${i}`;
    if (!zoneIds.has(door.from)) add(`${p}/from`, `unknown zone '${door.from}'`);
    if (!zoneIds.has(door.to)) add(`${p}/to`, `unknown zone '${door.to}'`);
    if (door.from === door.to) add(`${p}/to`, 'a door must join two different zones');
    door.readers.forEach((reader, j) => {
      const c = reader.controller;
      if (c.kind !== 'osdp') return;
      if (!busIds.has(c.bus)) add(`${p}/readers/${j}/controller/bus`, `unknown serial bus '${c.bus}'`);
      const key = `${c.bus}#${c.address}`;
      const other = osdpAddresses.get(key);
      if (other) add(`${p}/readers/${j}/controller/address`, `OSDP address ${c.address} on ${c.bus} is already used by ${other}`);
      osdpAddresses.set(key, reader.id);
    });
  });

  site.rooms.forEach((room, i) => {
    if (!zoneIds.has(room.zone)) add(`/site/rooms/${i}/zone`, `unknown zone '${room.zone}'`);
  });
  site.cameras.forEach((cam, i) => {
    cam.zones.forEach((z, j) => {
      if (!zoneIds.has(z)) add(`/site/cameras/${i}/zones/${j}`, `unknown zone '${z}'`);
    });
  });

  const outside = new Set(site.zones.filter((z) => z.kind === 'outside').map((z) => z.id));
  site.entrances.forEach((entrance, i) => {
    const p = `/site/entrances/${i}`;
    if (!zoneIds.has(entrance.waitingZone)) add(`${p}/waitingZone`, `unknown zone '${entrance.waitingZone}'`);
    let at: string | undefined;
    entrance.doors.forEach((doorId, j) => {
      if (!doorIds.has(doorId)) {
        add(`${p}/doors/${j}`, `unknown door '${doorId}'`);
        at = undefined;
        return;
      }
      const door = site.doors.find((d) => d.id === doorId)!;
      if (j === 0 && !outside.has(door.from)) add(`${p}/doors/0`, `the first door must lead in from outside, '${doorId}' starts in '${door.from}'`);
      if (j > 0 && at !== undefined && door.from !== at) add(`${p}/doors/${j}`, `door '${doorId}' starts in '${door.from}', but the route is in '${at}'`);
      at = door.to;
    });
    if (at !== undefined && at !== entrance.waitingZone) add(`${p}/doors`, `the route ends in '${at}', not in its waiting zone '${entrance.waitingZone}'`);
  });
  return problems;
}

function uniqueIds(items: readonly { id: string }[], path: string, add: (p: string, r: string) => void): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, i) => {
    if (ids.has(item.id)) add(`${path}/${i}/id`, `duplicate id '${item.id}'`);
    ids.add(item.id);
  });
  return ids;
}
