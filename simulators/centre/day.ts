/**
 * One simulated day against the real daemon. The simulator holds the ground truth: where
 * every person really is. A person passes a door only while its simulated lock relay is
 * really unlocked (or by slipping through behind whoever opened it); after every move
 * every keep-apart pair is checked for co-presence in a tracked zone, and the person's
 * true zone against the daemon's possible zones.
 */
import type { Decision } from '../../src/domain/access-types.js';
import type { KeepApartPair } from '../../src/domain/model.js';
import { possibleOf } from '../../src/domain/occupancy.js';
import type { Rng } from '../../src/domain/sim/rng.js';
import { keepApartPairsOf } from '../../src/domain/stagger.js';
import type { Services } from '../../src/services/index.js';
import type { PresenceLog } from './footage-check.js';
import { bagTrip, wrongEntranceDoor, type Agent, type Step } from './people.js';
import type { Receptionist } from './reception.js';
import { bump, type Tally } from './report.js';
import { waitUntil, type Card, type CentreRig } from './rig.js';

const SEC = 1000;
const MIN = 60 * SEC;
const DECISION_TIMEOUT_MS = 3000;
const UNLOCK_TIMEOUT_MS = 2000;
/** Codes a person can only get past with reception's help. */
const CALL_RECEPTION = new Set(['WINDOW_PASSED', 'NO_BOOKING_NOW', 'ANTI_PASSBACK', 'CREDENTIAL_REVOKED', 'UNKNOWN_CREDENTIAL', 'NOT_AUTHORISED', 'WRONG_DOOR']);

export class DayWorld {
  readonly truth = new Map<string, string>();
  private readonly leftAt = new Map<string, number>();
  private readonly pairs: KeepApartPair[];
  private readonly s: Services;
  private readonly visitOf = new Map<string, string>();

  constructor(
    private readonly rig: CentreRig,
    private readonly agents: Agent[],
    private readonly reception: Receptionist,
    private readonly tally: Tally,
    private readonly rng: Rng,
    /** Ground truth of where each visit's people were, for the footage check. */
    private readonly presence?: PresenceLog,
  ) {
    this.s = rig.daemon.services;
    for (const a of agents) this.visitOf.set(a.personId, a.bookingId);
    const bookings = [...new Set(agents.map((a) => a.bookingId))].map((id) => this.s.store.bookings.get(id)!);
    const cases = [...new Set(bookings.map((b) => b.caseId))].map((id) => this.s.store.cases.get(id)!);
    this.pairs = [...keepApartPairsOf(bookings, cases), ...this.s.store.cases.allKeepApart()];
    for (const a of agents) this.truth.set(a.personId, this.s.site.outsideZone);
  }

  zoneOf = (personId: string) => this.truth.get(personId);

  /** True when a person has something to do within `ms` of `now`. */
  dueWithin(now: number, ms: number): boolean {
    return this.agents.some((a) => (a.idx < a.steps.length && Math.max(a.steps[a.idx]!.tryAt, a.nextTry) <= now + ms) || this.bagPending(a));
  }

  finished(): boolean {
    return this.agents.every((a) => a.idx >= a.steps.length && !this.bagPending(a));
  }

  private bagPending(a: Agent): boolean {
    return a.b.forgottenBag && !a.bagDone;
  }

  /** Every person with something due acts once, in a seeded random order. */
  async step(now: number): Promise<void> {
    for (const agent of shuffled(this.rng, this.agents)) await this.act(agent, now);
  }

  private async act(agent: Agent, now: number): Promise<void> {
    const { site } = this.s;
    if (agent.idx >= agent.steps.length) return this.maybeComeBack(agent, now);
    const step = agent.steps[agent.idx]!;
    if (now < Math.max(step.tryAt, agent.nextTry)) return;
    const here = this.truth.get(agent.personId)!;
    if (here !== step.fromZone) {
      // Somewhere unplanned (slipped through a door): carry on from the next step that starts here.
      const k = agent.steps.findIndex((st, i) => i >= agent.idx && st.fromZone === here);
      agent.idx = k >= 0 ? k : agent.steps.length;
      return;
    }
    if (step.arrival && agent.b.wrongEntranceFirst && !agent.triedWrongEntrance && agent.card) {
      agent.triedWrongEntrance = true;
      const wrong = wrongEntranceDoor(site, step.doorId);
      if (wrong) {
        bump(this.tally.behaviours, 'wrong entrance');
        await this.tap(agent, wrong, site.outsideZone, agent.card);
        agent.nextTry = now + rngMs(this.rng, 2, 4);
        return;
      }
    }
    const hw = this.rig.doors.get(step.doorId)!;
    const reader = readerFor(this.s, step.doorId, step.fromZone);
    const viaReception = step.viaReception || agent.needsReception || agent.attempts >= 3 || !agent.card || !hw.online(reader);
    let decision: Decision | undefined;
    if (viaReception) decision = await this.askReception(agent, step, now);
    else decision = (await this.tap(agent, step.doorId, step.fromZone, agent.card!)).decision;
    if (decision?.outcome === 'granted' && !viaReception && agent.b.doubleTap && !agent.doubleTapped) {
      agent.doubleTapped = true;
      bump(this.tally.behaviours, 'double tap');
      await this.tap(agent, step.doorId, step.fromZone, agent.card!);
    }
    // A door someone else just opened: a refused person who slips through is tailgating.
    if (hw.isUnlocked() && (decision?.outcome === 'granted' || agent.b.tailgater)) {
      if (decision?.outcome !== 'granted') bump(this.tally.behaviours, 'slipped through a held door');
      await this.passThrough(agent, step, now);
      return;
    }
    if (decision?.outcome === 'granted') this.tally.grantsWithoutUnlock++;
    this.onRefused(agent, step, decision, now);
  }

  private onRefused(agent: Agent, step: Step, decision: Decision | undefined, now: number): void {
    agent.nextTry = now + MIN;
    const code = decision?.code;
    const opens = step.movement?.windowStart;
    if (code === 'EARLY' || (code === 'NO_BOOKING_NOW' && opens !== undefined && now < opens)) {
      if (step.arrival && !agent.wasEarly) bump(this.tally.behaviours, 'early');
      agent.wasEarly = true;
      // Told to wait: comes back to the reader when the window opens (or a minute later).
      agent.nextTry = Math.max(now + MIN, opens ?? 0);
      return;
    }
    agent.attempts++;
    if (code && CALL_RECEPTION.has(code)) {
      if (code === 'WINDOW_PASSED' && step.arrival) bump(this.tally.behaviours, 'late');
      agent.needsReception = true;
    }
    if (code === 'KEEP_APART_HOLD') this.reception.sweep(now);
    if (code === 'WAIT_FOR_RELEASE') {
      agent.attempts = Math.min(agent.attempts, 1); // waiting to leave is expected, not a failure
      const other = step.movement?.after;
      // Reception sees on camera that the other party has gone: lets this one out after the gap.
      if (other && this.truth.get(other.personId) === this.s.site.outsideZone && now - (this.leftAt.get(other.personId) ?? now) >= other.gapMs) {
        agent.needsReception = true;
        agent.nextTry = now + 20 * SEC;
      }
    }
  }

  private async askReception(agent: Agent, step: Step, now: number): Promise<Decision | undefined> {
    if (!agent.card && step.arrival && agent.idx === 0) bump(this.tally.behaviours, 'forgot card');
    const hw = this.rig.doors.get(step.doorId)!;
    const reason = !agent.card ? 'forgotten card' : step.viaReception ? 'came back' : 'help at the door';
    const unlocked = this.watchUnlock(hw);
    const decision = this.reception.release(step.doorId, agent.personId, step.toZone, reason, now);
    if (decision.outcome === 'granted') await unlocked.wait();
    unlocked.off();
    return decision;
  }

  /** Presents the card and waits for the daemon's decision and, on a grant, the relay. */
  private async tap(agent: Agent, doorId: string, fromZone: string, card: Card): Promise<{ decision?: Decision }> {
    const hw = this.rig.doors.get(doorId)!;
    const readerId = readerFor(this.s, doorId, fromZone);
    if (!hw.online(readerId)) return {};
    this.tally.taps++;
    const t0 = performance.now();
    const unlocked = this.watchUnlock(hw);
    const decision = await this.decisionAfter(
      (d) => d.doorId === doorId && d.personId === agent.personId && d.outcome !== 'recorded',
      () => hw.present(readerId, card),
    );
    if (decision?.outcome === 'granted') {
      const at = await unlocked.wait();
      if (at) {
        if (at.local) this.tally.localGrants++;
        else this.tally.latencies.push(at.perfAt - t0);
      }
    } else if (unlocked.first?.local) this.tally.localGrants++;
    unlocked.off();
    return decision ? { decision } : {};
  }

  private watchUnlock(hw: ReturnType<CentreRig['doors']['get']> & object) {
    const seen: { first?: { perfAt: number; local: boolean } } = {};
    const off = hw.onUnlock((perfAt, local) => (seen.first ??= { perfAt, local }));
    return {
      get first() {
        return seen.first;
      },
      off,
      wait: async () => {
        await waitUntil('relay', () => seen.first, UNLOCK_TIMEOUT_MS).catch(() => undefined);
        return seen.first;
      },
    };
  }

  private decisionAfter(match: (d: Decision) => boolean, act: () => void): Promise<Decision | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), DECISION_TIMEOUT_MS);
      const off = this.s.bus.on('access-decision', ({ decision }) => {
        if (match(decision)) finish(decision);
      });
      const finish = (d: Decision | undefined) => {
        clearTimeout(timer);
        off();
        resolve(d);
      };
      try {
        act();
      } catch {
        finish(undefined);
      }
    });
  }

  /** Opens the leaf, walks through (others near the door may follow), closes it. */
  private async passThrough(agent: Agent, step: Step, now: number): Promise<void> {
    const hw = this.rig.doors.get(step.doorId)!;
    const door = this.s.site.doors.get(step.doorId)!;
    const contact = (open: boolean) =>
      this.decisionAfter((d) => d.doorId === step.doorId && d.outcome === 'recorded' && d.reason.includes(open ? ' opened' : ' closed'), () => hw.setOpen(open));
    if (hw.hasContact) await contact(true);
    this.move(agent.personId, step.toZone, now);
    agent.idx++;
    agent.attempts = 0;
    agent.needsReception = false;
    agent.nextTry = now + rngMs(this.rng, 0.25, 0.75);
    this.tally.completedSteps++;
    for (const other of this.agents) {
      const at = this.truth.get(other.personId)!;
      if (other === agent || !other.b.tailgater || !this.s.site.isTracked(at) || (at !== door.from && at !== door.to) || !this.rng.chance(0.3)) continue;
      const to = at === door.from ? door.to : door.from;
      bump(this.tally.behaviours, 'slipped through a held door');
      this.move(other.personId, to, now);
      const planned = other.steps[other.idx];
      if (planned && planned.doorId === door.id && planned.fromZone === at && planned.toZone === to) {
        other.idx++; // went where they were going anyway, behind someone else
      } else {
        other.steps.splice(other.idx, 0, { doorId: door.id, fromZone: to, toZone: at, tryAt: 0, viaReception: true, arrival: false });
      }
    }
    if (hw.hasContact) await contact(false);
  }

  private maybeComeBack(agent: Agent, now: number): void {
    if (!this.bagPending(agent) || this.truth.get(agent.personId) !== this.s.site.outsideZone) return;
    agent.bagDone = true;
    bump(this.tally.behaviours, 'back for a bag');
    agent.steps.push(...bagTrip(agent, this.s.site, now, this.rng));
  }

  private move(personId: string, to: string, now: number): void {
    const { site } = this.s;
    this.truth.set(personId, to);
    this.presence?.moved(personId, this.visitOf.get(personId)!, to, now);
    this.tally.passages++;
    if (to === site.outsideZone) this.leftAt.set(personId, now);
    const believed = possibleOf(this.s.access.state().possible, personId, site);
    if (!believed.includes(to)) {
      this.tally.beliefMismatches++;
      if (this.tally.mismatchSamples.length < 20) this.tally.mismatchSamples.push(`${personId} in ${to}, believed [${believed.join(', ')}] at ${new Date(now).toISOString()}`);
    }
    for (const pair of this.pairs) {
      if (pair.a !== personId && pair.b !== personId) continue;
      const [a, b] = [this.truth.get(pair.a), this.truth.get(pair.b)];
      if (a === undefined || a !== b || !site.isTracked(a)) continue;
      this.tally.keepApartIncidents++;
      this.tally.incidents.push(`${this.s.store.people.get(pair.a)?.fullName ?? pair.a} and ${this.s.store.people.get(pair.b)?.fullName ?? pair.b} (${pair.reason}) both in ${site.zoneName(a)} at ${new Date(now).toISOString()}`);
    }
  }

  /** End of day: whoever is still inside is seen out by staff, and confirmed outside. */
  closeDay(now: number): void {
    const { site } = this.s;
    this.presence?.closeAll(now);
    for (const a of this.agents) {
      if (this.truth.get(a.personId) !== site.outsideZone || a.idx < a.steps.length) this.tally.stuckPeople++;
      this.truth.set(a.personId, site.outsideZone);
      const zones = this.s.access.state().possible[a.personId];
      if (zones && (zones.length !== 1 || zones[0] !== site.outsideZone)) {
        this.s.access.handle({ type: 'confirm-whereabouts', personId: a.personId, zoneId: site.outsideZone, staffId: this.reception.staffId, at: now });
      }
    }
  }
}

function readerFor(s: Services, doorId: string, fromZone: string): string {
  const door = s.site.doors.get(doorId)!;
  return door.readers.find((r) => (r.side === 'from' ? door.from : door.to) === fromZone)!.id;
}

function rngMs(rng: Rng, loMin: number, hiMin: number): number {
  return Math.round((loMin + rng.next() * (hiMin - loMin)) * MIN);
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
