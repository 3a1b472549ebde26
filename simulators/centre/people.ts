/**
 * The people of a simulated day and what real people do (after src/domain/sim/world.ts):
 * each follows their planned movements door by door, starting early or late, sometimes
 * at the wrong entrance first, tapping twice, holding a door so someone slips through,
 * forgetting their card (reception lets them through), or coming back for a bag after
 * leaving. A party moves together: the child and a party's authorised adult keep the
 * timing of the party's parent.
 */
import type { Movement, Participant } from '../../src/domain/model.js';
import { orderMovements } from '../../src/domain/day-plan-check.js';
import { entranceSteps, reverseSteps, type SiteIndex } from '../../src/domain/site-index.js';
import type { Rng } from '../../src/domain/sim/rng.js';
import type { BookingView } from '../../src/services/bookings.js';
import type { Card } from './rig.js';

export interface Behaviour {
  /** Minutes from the arrival window's start at which the person first tries (negative = early). */
  offsetMinutes: number;
  wrongEntranceFirst: boolean;
  doubleTap: boolean;
  /** Slips through a door someone else opened, or holds one open for whoever is near. */
  tailgater: boolean;
  forgetsCard: boolean;
  forgottenBag: boolean;
}

export function randomBehaviour(rng: Rng): Behaviour {
  return {
    offsetMinutes: rng.pick([-25, -12, -5, 0, 1, 3, 5, 8, 15, 30]),
    wrongEntranceFirst: rng.chance(0.12),
    doubleTap: rng.chance(0.15),
    tailgater: rng.chance(0.25),
    forgetsCard: rng.chance(0.08),
    forgottenBag: rng.chance(0.12),
  };
}

export interface Step {
  doorId: string;
  fromZone: string;
  toZone: string;
  /** Simulated time of the first try; 0 = right after the previous step. */
  tryAt: number;
  /** Goes through reception (no card for this door: a slip-back, a bag, a forgotten card). */
  viaReception: boolean;
  arrival: boolean;
  movement?: Movement;
}

export interface Agent {
  personId: string;
  bookingId: string;
  role: Participant['role'];
  card: Card | undefined;
  b: Behaviour;
  steps: Step[];
  idx: number;
  attempts: number;
  nextTry: number;
  triedWrongEntrance: boolean;
  doubleTapped: boolean;
  bagDone: boolean;
  /** Set by a refusal that only reception can resolve (late, window passed, no booking now). */
  needsReception: boolean;
  wasEarly: boolean;
}

export function agentsFor(booking: BookingView, cards: ReadonlyMap<string, Card>, site: SiteIndex, rng: Rng, windowMinutes: number): Agent[] {
  const lead = new Map<string, Behaviour>();
  const partyOf = (p: Participant) => (p.role === 'visiting-parent' || (p.role === 'authorised-adult' && p.party === 'visiting') ? 'visiting' : 'resident');
  const agents: Agent[] = [];
  for (const p of booking.participants) {
    const own = orderMovements(booking.movements.filter((m) => m.personId === p.personId));
    if (own.length === 0) continue;
    const b = randomBehaviour(rng);
    const party = partyOf(p);
    if (p.role === 'resident-parent' || p.role === 'visiting-parent') lead.set(party, b);
    agents.push({
      personId: p.personId, bookingId: booking.id, role: p.role, card: cards.get(p.personId), b, steps: [], idx: 0, attempts: 0, nextTry: 0,
      triedWrongEntrance: false, doubleTapped: false, bagDone: false, needsReception: false, wasEarly: false,
    });
  }
  for (const a of agents) {
    const p = booking.participants.find((x) => x.personId === a.personId)!;
    const leader = lead.get(partyOf(p));
    // Children arrive with their parent; a child never forgets a card (staff present it for them).
    if (leader && p.role !== 'resident-parent' && p.role !== 'visiting-parent') a.b = { ...a.b, offsetMinutes: leader.offsetMinutes, wrongEntranceFirst: false };
    if (p.role === 'child') a.b = { ...a.b, forgetsCard: false, forgottenBag: false, tailgater: false };
    a.steps = stepsFor(orderMovements(booking.movements.filter((m) => m.personId === a.personId)), a.b, site, rng, windowMinutes);
  }
  return agents;
}

function stepsFor(path: Movement[], b: Behaviour, site: SiteIndex, rng: Rng, windowMinutes: number): Step[] {
  const W = windowMinutes * 60_000;
  return path.map((m, k) => {
    const phaseStart = k === 0 || path[k - 1]!.purpose !== m.purpose;
    const offset = m.purpose === 'arrival' ? b.offsetMinutes * 60_000 : rng.int(0, W / 2);
    const arrival = m.purpose === 'arrival' && m.fromZone === site.outsideZone;
    return { doorId: m.doorId, fromZone: m.fromZone, toZone: m.toZone, tryAt: phaseStart ? m.windowStart + offset : 0, viaReception: false, arrival, movement: m };
  });
}

/** Someone who left comes back for a bag a few minutes later, through reception, and leaves again. */
export function bagTrip(agent: Agent, site: SiteIndex, now: number, rng: Rng): Step[] {
  const lastDoor = agent.steps.at(-1)?.doorId;
  const entrance = site.entrances.find((e) => lastDoor !== undefined && e.doors.includes(lastDoor)) ?? site.entrances[0]!;
  const inward = entranceSteps(site, entrance);
  return [...inward, ...reverseSteps(inward)].map((s, k) => ({ ...s, tryAt: k === 0 ? now + rng.int(2, 15) * 60_000 : 0, viaReception: true, arrival: false }));
}

/** The first door of another entrance than the one this step belongs to. */
export function wrongEntranceDoor(site: SiteIndex, doorId: string): string | undefined {
  return site.entrances.map((e) => e.doors[0]!).find((d) => d !== doorId);
}
