/**
 * The stagger planner (issue 3): from a booking, the site and the case's settings, each
 * person's movements (door, direction, time window) for arrival, the visit or handover,
 * and departure. docs/planning.md explains the timeline in plain words.
 *
 * W = arrivalWindowMinutes, G = the case's gap, S/E = visit start/end:
 * - the first party arrives in [S-2W-G, S-W-G], the second in [S-W, S]
 *   (at least G minutes between the end of one window and the start of the other);
 * - supported/supervised: the visiting party walks to the room in [S-W, S+W] and staff
 *   escort the child from the resident waiting room in the same window; back in [E, E+W];
 * - handover: at S staff take the child from one waiting room to the other in [S-W, S+W],
 *   and at E the same exchange happens the other way round;
 * - the party that arrived second leaves first in [X, X+2W] (X = S for the handover's
 *   first exchange, E otherwise); the other leaves in [X+G, X+3W+G] and each of its exit
 *   movements carries `after`: valid only once the first party's lead adult has been seen
 *   leaving by the street door, plus G.
 */
import type { Booking, CaseRecord, Movement, MovementPurpose } from './model.js';
import type { EntranceConfig } from '../config/schema.js';
import { entranceSteps, entranceZones, reverseSteps, routeBetween, type SiteIndex, type Step } from './site-index.js';
import { gapMinutesFor, splitParties, type Parties, type Party, type PlanningSettings } from './stagger.js';

const MIN = 60_000;
/** Time allowed to walk from one door of a route to the next. */
export const TRANSIT_MS = 5 * MIN;

export interface PlanInput {
  booking: Booking;
  caseRecord: CaseRecord;
  site: SiteIndex;
  planning: PlanningSettings;
}

export interface BookingPlan {
  bookingId: string;
  gapMs: number;
  firstToArrive: Party;
  entrances: Record<Party, EntranceConfig>;
  movements: Movement[];
}

export type PlanResult =
  | { ok: true; plan: BookingPlan }
  | { ok: false; code: 'NO_SEPARATE_ENTRANCE' | 'NO_ROUTE'; reason: string };

interface Ctx {
  input: PlanInput;
  movements: Movement[];
  seq: number;
}

/** Plan one booking; refuses only when the site cannot separate the parties. */
export function planBooking(input: PlanInput): PlanResult {
  const { booking, caseRecord, site, planning } = input;
  const entrances = chooseEntrances(site, caseRecord);
  if (!entrances) return { ok: false, code: 'NO_SEPARATE_ENTRANCE', reason: 'The site has no two entrances with separate waiting rooms.' };
  const routes = chooseRoutes(site, entrances, booking);
  if (typeof routes === 'string') return { ok: false, code: 'NO_ROUTE', reason: routes };
  const W = planning.arrivalWindowMinutes * MIN;
  const G = gapMinutesFor(caseRecord, planning) * MIN;
  const first: Party = caseRecord.settings.firstToArrive;
  const second: Party = first === 'resident' ? 'visiting' : 'resident';
  const parties = splitParties(booking);
  const ctx: Ctx = { input, movements: [], seq: 0 };
  const street: Record<Party, Step[]> = { resident: entranceSteps(site, entrances.resident), visiting: entranceSteps(site, entrances.visiting) };
  const { start: S, end: E } = booking;
  const childIds = parties.resident.filter((p) => p.role === 'child').map((p) => p.personId);

  if (booking.serviceType === 'handover') {
    // First exchange: the child arrives with the resident party and leaves with the visiting party.
    arrive(ctx, parties, street, first, second, S, W, G);
    walkAll(ctx, childIds, routes.transfer, S - W, S + W, 'to-room');
    depart(ctx, parties, street, second, first, S, W, G, 'visiting');
    // Second exchange: back the other way.
    arrive(ctx, parties, street, first, second, E, W, G, 'visiting');
    walkAll(ctx, childIds, reverseSteps(routes.transfer), E - W, E + W, 'from-room');
    depart(ctx, parties, street, second, first, E, W, G);
  } else {
    arrive(ctx, parties, street, first, second, S, W, G);
    const visitors = parties.visiting.map((p) => p.personId);
    walkAll(ctx, visitors, routes.visitingToRoom, S - W, S + W, 'to-room');
    walkAll(ctx, childIds, routes.childToRoom, S - W, S + W, 'to-room');
    walkAll(ctx, visitors, reverseSteps(routes.visitingToRoom), E, E + W, 'from-room');
    walkAll(ctx, childIds, reverseSteps(routes.childToRoom), E, E + W, 'from-room');
    depart(ctx, parties, street, second, first, E, W, G);
  }
  return { ok: true, plan: { bookingId: booking.id, gapMs: G, firstToArrive: first, entrances, movements: ctx.movements } };
}

function chooseEntrances(site: SiteIndex, caseRecord: CaseRecord): Record<Party, EntranceConfig> | undefined {
  const wanted = caseRecord.settings.residentEntrance;
  const resident = site.entrances.find((e) => e.id === wanted) ?? site.entrances[0];
  if (!resident) return undefined;
  const visiting = site.entrances.find((e) => e.id !== resident.id && e.waitingZone !== resident.waitingZone);
  return visiting ? { resident, visiting } : undefined;
}

function chooseRoutes(site: SiteIndex, entrances: Record<Party, EntranceConfig>, booking: Booking) {
  const residentSide = entranceZones(site, entrances.resident);
  const visitingSide = entranceZones(site, entrances.visiting);
  const roomZone = site.rooms.get(booking.roomId)?.zone;
  if (!roomZone) return `There is no room '${booking.roomId}'.`;
  const rw = entrances.resident.waitingZone;
  const vw = entrances.visiting.waitingZone;
  const visitingToRoom = routeBetween(site, vw, roomZone, residentSide);
  const childToRoom = routeBetween(site, rw, roomZone, visitingSide);
  const bothSides = new Set([...residentSide, ...visitingSide].filter((z) => z !== rw && z !== vw));
  const transfer = routeBetween(site, rw, vw, bothSides);
  if (!visitingToRoom || !childToRoom || !transfer) return `No route inside the building joins the waiting rooms and ${site.zoneName(roomZone)}.`;
  return { visitingToRoom, childToRoom, transfer };
}

function push(ctx: Ctx, personId: string, step: Step, ws: number, we: number, purpose: MovementPurpose, after?: Movement['after']): void {
  const m: Movement = {
    id: `${ctx.input.booking.id}:${personId}:${ctx.seq++}`,
    bookingId: ctx.input.booking.id,
    personId,
    doorId: step.doorId,
    fromZone: step.fromZone,
    toZone: step.toZone,
    purpose,
    windowStart: ws,
    windowEnd: we,
  };
  if (after) m.after = after;
  ctx.movements.push(m);
}

/** Each door of a route in order; door k may be reached up to k transit allowances late. */
function walkAll(ctx: Ctx, people: string[], steps: Step[], ws: number, we: number, purpose: MovementPurpose, after?: Movement['after']): void {
  for (const personId of people) steps.forEach((step, k) => push(ctx, personId, step, ws, we + k * TRANSIT_MS, purpose, after));
}

/** The party's people; the child goes with `childParty` (the handover hands the child over). */
function members(parties: Parties, party: Party, childParty: Party): string[] {
  const adults = parties[party].filter((p) => p.role !== 'child').map((p) => p.personId);
  const children = parties.resident.filter((p) => p.role === 'child').map((p) => p.personId);
  return party === childParty ? [...adults, ...children] : adults;
}

/** Arrival: the first party's window ends at least G minutes before the second party's starts. */
function arrive(ctx: Ctx, parties: Parties, street: Record<Party, Step[]>, first: Party, second: Party, X: number, W: number, G: number, childParty: Party = 'resident'): void {
  walkAll(ctx, members(parties, first, childParty), street[first], X - 2 * W - G, X - W - G, 'arrival');
  walkAll(ctx, members(parties, second, childParty), street[second], X - W, X, 'arrival');
}

/** Departure: `leader` party first, the other released by `after` (lead adult's street exit + G). */
function depart(ctx: Ctx, parties: Parties, street: Record<Party, Step[]>, leader: Party, follower: Party, X: number, W: number, G: number, childParty: Party = 'resident'): void {
  const leaderExit = reverseSteps(street[leader]);
  walkAll(ctx, members(parties, leader, childParty), leaderExit, X, X + 2 * W, 'departure');
  const lead = leader === 'resident' ? parties.residentLead : parties.visitingLead;
  const streetDoor = leaderExit.at(-1)!.doorId;
  const after = lead ? { personId: lead, doorId: streetDoor, gapMs: G } : undefined;
  walkAll(ctx, members(parties, follower, childParty), reverseSteps(street[follower]), X + G, X + 3 * W + G, 'departure', after);
}
