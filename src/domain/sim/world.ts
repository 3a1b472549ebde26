/**
 * The ground-truth simulator (DESIGN.md: "let the simulator's ground truth, which does
 * know where everyone is, judge the design"). People follow their planned movements with
 * random behaviour: early, late, wrong door, repeated taps, tailgating through doors
 * others opened (both ways), forgotten cards, coming back for a forgotten bag, and now
 * and then a forced door. Their taps and the door contacts go through decide(); a person
 * moves only through a door that is really unlocked and open. After every event and move
 * the simulator checks (a) no keep-apart pair shares a tracked zone (unless one of them
 * forced a door, which must have raised an alert) and (b) everyone's true zone is in
 * their possible set. Reusable by the whole-day simulator (`contactd simulate`).
 */
import type { AccessInput } from '../access-types.js';
import type { Movement } from '../model.js';
import { createAccessState, type AccessState } from '../access-state.js';
import { decide, type DecideResult } from '../decide.js';
import { orderMovements } from '../day-plan-check.js';
import { possibleOf } from '../occupancy.js';
import { entranceSteps, reverseSteps } from '../site-index.js';
import { SIM_RECEPTIONIST, type SimDay } from './random-day.js';
import type { Rng } from './rng.js';

export interface Behaviour {
  /** Minutes from the window start at which the person first tries (negative = early). */
  offsetMinutes: number;
  wrongDoorFirst: boolean;
  hesitates: boolean;
  tailgater: boolean;
  forgetsCard: boolean;
  forgottenBag: boolean;
  forcer: boolean;
}

export function randomBehaviour(rng: Rng): Behaviour {
  return {
    offsetMinutes: rng.pick([-25, -12, -5, 0, 2, 5, 8, 15, 30]),
    wrongDoorFirst: rng.chance(0.15),
    hesitates: rng.chance(0.2),
    tailgater: rng.chance(0.3),
    forgetsCard: rng.chance(0.1),
    forgottenBag: rng.chance(0.15),
    forcer: rng.chance(0.05),
  };
}

interface Step {
  doorId: string;
  fromZone: string;
  toZone: string;
  tryAt: number;
  viaReception: boolean;
  arrival: boolean;
}

interface Agent {
  personId: string;
  b: Behaviour;
  steps: Step[];
  idx: number;
  attempts: number;
  nextTry: number;
  triedWrongDoor: boolean;
  bagDone: boolean;
}

export interface SimRecord {
  input: AccessInput;
  result: DecideResult;
}

export interface SimReport {
  records: SimRecord[];
  /** Broken safety properties, each a sentence; empty when the design held. */
  violations: string[];
  stats: { taps: number; grants: number; holds: number; denials: number; moves: number; tailgates: number; forced: number; confirmations: number; completedSteps: number; plannedSteps: number };
}

export interface SimOptions {
  stepMs?: number;
  onRecord?: (record: SimRecord) => void;
}

export function simulateDay(day: SimDay, rng: Rng, options: SimOptions = {}): SimReport {
  return new World(day, rng, options).run();
}

class World {
  private state: AccessState;
  private readonly truth = new Map<string, string>();
  private readonly agents: Agent[] = [];
  private readonly tainted = new Set<string>();
  private readonly unlockedUntil = new Map<string, number>();
  private clock = 0;
  private readonly report: SimReport = { records: [], violations: [], stats: { taps: 0, grants: 0, holds: 0, denials: 0, moves: 0, tailgates: 0, forced: 0, confirmations: 0, completedSteps: 0, plannedSteps: 0 } };

  constructor(
    private readonly day: SimDay,
    private readonly rng: Rng,
    private readonly options: SimOptions,
  ) {
    this.state = createAccessState({ site: day.site, planning: day.planning, credentials: day.credentials, movements: day.movements, pairs: day.pairs, staff: day.staff });
    const byPerson = new Map<string, Movement[]>();
    for (const m of day.movements) byPerson.set(m.personId, [...(byPerson.get(m.personId) ?? []), m]);
    for (const [personId, own] of byPerson) {
      this.truth.set(personId, day.site.outsideZone);
      const b = randomBehaviour(rng);
      const steps = this.stepsFor(orderMovements(own), b);
      this.report.stats.plannedSteps += steps.length;
      this.agents.push({ personId, b, steps, idx: 0, attempts: 0, nextTry: 0, triedWrongDoor: false, bagDone: false });
    }
  }

  private stepsFor(path: Movement[], b: Behaviour): Step[] {
    const W = this.day.planning.arrivalWindowMinutes * 60_000;
    return path.map((m, k) => {
      const phaseStart = k === 0 || path[k - 1]!.windowStart !== m.windowStart;
      const offset = m.purpose === 'arrival' ? b.offsetMinutes * 60_000 : this.rng.int(0, W / 2);
      return { doorId: m.doorId, fromZone: m.fromZone, toZone: m.toZone, tryAt: phaseStart ? m.windowStart + offset : 0, viaReception: false, arrival: m.purpose === 'arrival' && m.fromZone === this.day.site.outsideZone };
    });
  }

  run(): SimReport {
    if (this.day.movements.length === 0) return this.report;
    const stepMs = this.options.stepMs ?? 30_000;
    const start = Math.min(...this.day.movements.map((m) => m.windowStart)) - 40 * 60_000;
    const end = Math.max(...this.day.movements.map((m) => m.windowEnd)) + 90 * 60_000;
    this.clock = start;
    for (let T = start, tick = 0; T <= end; T += stepMs, tick++) {
      for (const agent of this.shuffled()) this.act(agent, T);
      this.maybeForce(T);
      if (tick % 10 === 0) this.cameraSweep(T);
    }
    return this.report;
  }

  private shuffled(): Agent[] {
    const out = [...this.agents];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Feed one input to decide(), apply door commands to the simulated hardware, check soundness. */
  private feed(make: (at: number) => AccessInput, T: number): DecideResult {
    this.clock = Math.max(this.clock + 1000, T);
    const input = make(this.clock);
    const result = decide(this.state, input, this.clock);
    this.state = result.state;
    for (const e of result.effects) {
      if (e.type !== 'door') continue;
      if (e.command.type === 'unlock' && e.command.expiresAt >= this.clock) this.unlockedUntil.set(e.command.doorId, this.clock + e.command.seconds * 1000);
      if (e.command.type === 'lock') this.unlockedUntil.set(e.command.doorId, 0);
    }
    const record = { input, result };
    this.report.records.push(record);
    this.options.onRecord?.(record);
    this.checkSound(`after ${input.type}`);
    return result;
  }

  private act(agent: Agent, T: number): void {
    const { site } = this.day;
    if (agent.idx >= agent.steps.length) return this.maybeComeBack(agent, T);
    const step = agent.steps[agent.idx]!;
    if (T < Math.max(step.tryAt, agent.nextTry)) return;
    const here = this.truth.get(agent.personId)!;
    if (here !== step.fromZone) {
      const k = agent.steps.findIndex((s, i) => i >= agent.idx && s.fromZone === here);
      agent.idx = k >= 0 ? k : agent.steps.length;
      return;
    }
    if (step.arrival && agent.b.wrongDoorFirst && !agent.triedWrongDoor) {
      agent.triedWrongDoor = true;
      const wrong = site.entrances.map((e) => e.doors[0]!).find((d) => d !== step.doorId);
      if (wrong) {
        this.tap(agent, wrong, step.fromZone, T);
        agent.nextTry = T + 60_000;
        return;
      }
    }
    const useReception = step.viaReception || agent.attempts >= 3 || (agent.b.forgetsCard && step.arrival);
    const result = useReception
      ? this.feed((at) => ({ type: 'reception-release', doorId: step.doorId, staffId: SIM_RECEPTIONIST, reason: 'simulated', personId: agent.personId, towards: step.toZone, at }), T)
      : this.tap(agent, step.doorId, step.fromZone, T);
    if (result.decision.outcome === 'granted') {
      if (!useReception && agent.b.hesitates && this.rng.chance(0.3)) {
        agent.nextTry = T + 30_000; // does not push the door: taps again later
        return;
      }
      this.passThrough(agent.personId, step.doorId, step.toZone, T);
      agent.idx++;
      agent.attempts = 0;
      agent.nextTry = T + 30_000;
      this.report.stats.completedSteps++;
      return;
    }
    agent.attempts++;
    agent.nextTry = T + 60_000;
    if (result.decision.code === 'KEEP_APART_HOLD' || result.decision.code === 'ANTI_PASSBACK') this.cameraSweep(T);
  }

  private tap(agent: Agent, doorId: string, fromZone: string, T: number): DecideResult {
    const door = this.day.site.doors.get(doorId)!;
    const reader = door.readers.find((r) => (r.side === 'from' ? door.from : door.to) === fromZone)!;
    this.report.stats.taps++;
    const result = this.feed((at) => ({ type: 'credential-presented', readerId: reader.id, doorId, credential: { kind: 'card', id: this.day.cards[agent.personId]! }, at }), T);
    const o = result.decision.outcome;
    if (o === 'granted') this.report.stats.grants++;
    else if (o === 'held') this.report.stats.holds++;
    else this.report.stats.denials++;
    return result;
  }

  /** The holder opens the door and walks through; tailgaters on either side may follow. */
  private passThrough(holder: string, doorId: string, toZone: string, T: number): void {
    const door = this.day.site.doors.get(doorId)!;
    this.feed((at) => ({ type: 'door-contact', doorId, open: true, at }), T);
    if ((this.unlockedUntil.get(doorId) ?? 0) < this.clock) this.report.violations.push(`${door.id} opened for ${holder} while the simulated lock was locked`);
    this.move(holder, toZone);
    for (const other of this.agents) {
      const at = this.truth.get(other.personId)!;
      if (other.personId === holder || !other.b.tailgater || !this.day.site.isTracked(at) || !this.rng.chance(0.3)) continue;
      if (at !== door.from && at !== door.to) continue;
      const to = at === door.from ? door.to : door.from;
      this.move(other.personId, to);
      this.report.stats.tailgates++;
      other.steps.splice(other.idx, 0, { doorId, fromZone: to, toZone: at, tryAt: 0, viaReception: true, arrival: false });
    }
    this.feed((at) => ({ type: 'door-contact', doorId, open: false, at }), T);
  }

  private maybeComeBack(agent: Agent, T: number): void {
    if (!agent.b.forgottenBag || agent.bagDone || this.truth.get(agent.personId) !== this.day.site.outsideZone) return;
    agent.bagDone = true;
    const entrance = this.day.site.entrances.find((e) => e.doors[0] === agent.steps.at(-1)?.doorId) ?? this.day.site.entrances[0]!;
    const inward = entranceSteps(this.day.site, entrance);
    const back = [...inward, ...reverseSteps(inward)].map((s, k) => ({ ...s, tryAt: k === 0 ? T + this.rng.int(2, 20) * 60_000 : 0, viaReception: true, arrival: false }));
    agent.steps.push(...back);
  }

  private maybeForce(T: number): void {
    for (const agent of this.agents) {
      const here = this.truth.get(agent.personId)!;
      if (!agent.b.forcer || this.tainted.has(agent.personId) || !this.day.site.isTracked(here) || !this.rng.chance(0.02)) continue;
      const doors = [...this.day.site.doors.values()].filter((d) => (d.from === here || d.to === here) && this.day.site.isTracked(d.from) && this.day.site.isTracked(d.to));
      if (doors.length === 0) continue;
      const door = this.rng.pick(doors);
      const to = door.from === here ? door.to : door.from;
      this.tainted.add(agent.personId);
      this.report.stats.forced++;
      const forced = this.feed((at) => ({ type: 'door-forced', doorId: door.id, at }), T);
      if (!forced.effects.some((e) => e.type === 'alert' && e.kind === 'door-forced')) this.report.violations.push(`forcing ${door.id} raised no alert`);
      this.feed((at) => ({ type: 'door-contact', doorId: door.id, open: true, at }), T);
      this.move(agent.personId, to);
      this.feed((at) => ({ type: 'door-contact', doorId: door.id, open: false, at }), T);
      agent.steps.splice(agent.idx, 0, { doorId: door.id, fromZone: to, toZone: here, tryAt: 0, viaReception: true, arrival: false });
    }
  }

  /** Reception looks at the cameras and confirms where everyone with an uncertain position is. */
  private cameraSweep(T: number): void {
    for (const [personId, zones] of Object.entries(this.state.possible)) {
      if (zones.length <= 1) continue;
      this.report.stats.confirmations++;
      this.feed((at) => ({ type: 'confirm-whereabouts', personId, zoneId: this.truth.get(personId) ?? this.day.site.outsideZone, staffId: SIM_RECEPTIONIST, at }), T);
    }
  }

  private move(personId: string, to: string): void {
    this.truth.set(personId, to);
    this.report.stats.moves++;
    this.checkSound(`after ${personId} moved to ${to}`);
    for (const pair of this.day.pairs) {
      if (pair.a !== personId && pair.b !== personId) continue;
      const [a, b] = [this.truth.get(pair.a), this.truth.get(pair.b)];
      if (a === undefined || a !== b || !this.day.site.isTracked(a)) continue;
      if (this.tainted.has(pair.a) || this.tainted.has(pair.b)) continue;
      this.report.violations.push(`${pair.a} and ${pair.b} met in ${a} at ${new Date(this.clock).toISOString()}`);
    }
  }

  private checkSound(when: string): void {
    for (const [personId, zone] of this.truth) {
      if (!possibleOf(this.state.possible, personId, this.day.site).includes(zone)) {
        this.report.violations.push(`${personId} is truly in ${zone} but believed in [${possibleOf(this.state.possible, personId, this.day.site).join(', ')}] ${when}`);
      }
    }
  }
}
