/**
 * `contactd simulate`: whole days at the demo centre against the real daemon, through
 * the real drivers and device simulators, on a simulated clock. Books each day through
 * the real booking service, runs the people through the doors (simulators/centre/day.ts),
 * mixes in hardware faults, and reports what happened (report.ts). Cameras record on the
 * simulated clock into the daemon's footage index and tagger (recording.ts); at the end
 * every visit's footage tags are checked against where its people really were
 * (footage-check.ts).
 *
 * Time: the daemon runs on a ManualClock advanced in steps (5 s while someone is due,
 * 30 s otherwise, with a short real-time yield so MQTT and OSDP traffic flows). While a
 * person waits for a decision or a relay the clock stands still, so command deadlines
 * are met as on a real site. With `speed`, real time is paced at `speed` simulated
 * seconds per real second (the demo); without it the run goes as fast as it can.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { localTimeToEpoch } from '../../src/domain/local-time.js';
import { makeRng, type Rng } from '../../src/domain/sim/rng.js';
import { DayWorld } from './day.js';
import { FaultSchedule, type FaultMode } from './faults.js';
import { checkVisitFootage, describeMiss, PresenceLog, type VisitTruth } from './footage-check.js';
import { agentsFor } from './people.js';
import { bookDay, cardMaker, createPopulation, type Population } from './population.js';
import { Receptionist } from './reception.js';
import { buildReport, newTally, type FootageSummary, type SimulationReport, type Tally } from './report.js';
import { sleep, startRig, type Card, type CentreRig, type RawConfig } from './rig.js';

export interface SimulateOptions {
  days: number;
  seed: number;
  /** Simulated seconds per real second; undefined = as fast as possible. */
  speed?: number;
  /** First simulated date (local, YYYY-MM-DD). */
  startDate?: string;
  configFile: string;
  logger: Logger;
  faults?: FaultMode;
  /** Keep the API and dashboard up on this port while simulating. */
  httpPort?: number;
  /** Called with a one-line progress message after each day. */
  onProgress?: (line: string) => void;
  /** Called once the daemon is up (the demo prints where to look). */
  onStarted?: (rig: CentreRig) => void | Promise<void>;
}

const MIN = 60_000;
const ACTIVE_STEP_MS = 5_000;
const QUIET_STEP_MS = 30_000;
/** After the last planned window: time for stragglers, bags and releases. */
const DAY_TAIL_MS = 90 * MIN;
const MAX_OVERRUN_MS = 3 * 60 * MIN;

export async function simulate(o: SimulateOptions): Promise<SimulationReport> {
  const wallStart = performance.now();
  const raw = JSON.parse(readFileSync(o.configFile, 'utf8')) as RawConfig;
  const tz = typeof raw.site.timezone === 'string' ? raw.site.timezone : 'Europe/London';
  const startDate = o.startDate ?? '2026-03-16';
  const rng = makeRng(o.seed);
  const tally = newTally();
  const rig = await startRig({ rawConfig: raw, start: localTimeToEpoch(startDate, '06:00', tz), logger: o.logger, ...(o.httpPort !== undefined ? { httpPort: o.httpPort } : {}) });
  const simStart = rig.clock.now();
  const s = rig.daemon.services;
  const offDecisions = s.bus.on('access-decision', ({ decision: d }) => countDecision(tally, d));
  try {
    await o.onStarted?.(rig);
    const pop = createPopulation(s, rng, 14);
    const reception = new Receptionist(s, pop.receptionistId, tally, rng);
    const nextCard = cardMaker();
    const pacer = pace(rig, o.speed);
    const truth: FootageTruth = { presence: new PresenceLog(), visits: [] };
    for (let d = 0; d < o.days; d++) {
      const date = addDays(startDate, d);
      await runDay(rig, pop, reception, rng, tally, date, nextCard, o.faults ?? 'random', pacer, truth);
      o.onProgress?.(`day ${d + 1}/${o.days} ${date}: ${tally.visits} visits, ${tally.grants} grants, keep-apart incidents ${tally.keepApartIncidents}, ${Math.round((performance.now() - wallStart) / 1000)} s`);
    }
    const audit = s.store.audit.verify();
    return buildReport(tally, {
      days: o.days,
      seed: o.seed,
      auditChainOk: audit.ok,
      simulatedHours: (rig.clock.now() - simStart) / (60 * MIN),
      wallSeconds: (performance.now() - wallStart) / 1000,
      footage: footageSummary(rig, truth),
    });
  } finally {
    offDecisions();
    await rig.stop();
  }
}

interface FootageTruth {
  presence: PresenceLog;
  visits: Omit<VisitTruth, 'presence'>[];
}

/** Checks every visit's tags in the daemon's footage index against the ground truth. */
function footageSummary(rig: CentreRig, truth: FootageTruth): FootageSummary {
  const { footage } = rig.daemon.cctv.footage;
  const cameras = rig.config.site.cameras;
  const results = truth.visits.map((v) => checkVisitFootage({ ...v, presence: truth.presence.presence(v.bookingId) }, cameras, footage));
  const missed = results.filter((r) => r.misses.length > 0);
  return {
    visitsFullyTagged: results.length - missed.length,
    segmentsRecorded: rig.recording.stats.segments,
    gapsRecorded: rig.recording.stats.gaps,
    cameraOfflineMinutes: Math.round(rig.recording.stats.offlineMs / MIN),
    visitSegmentsExpected: results.reduce((n, r) => n + r.expectedSegments, 0),
    visitSegmentsTagged: results.reduce((n, r) => n + r.taggedSegments, 0),
    visitSegmentsTaggedBeyondTruth: results.reduce((n, r) => n + r.taggedBeyondTruth, 0),
    visitCameraMinutesUnrecorded: Math.round(results.reduce((n, r) => n + r.unrecordedMs, 0) / MIN),
    visitsNotFullyTagged: missed.map(describeMiss),
  };
}

async function runDay(rig: CentreRig, pop: Population, reception: Receptionist, rng: Rng, tally: Tally, date: string, nextCard: () => Card, faultMode: FaultMode, pacer: Pacer, truth: FootageTruth): Promise<void> {
  const s = rig.daemon.services;
  const tz = s.site.timezone;
  await advanceTo(rig, localTimeToEpoch(date, '07:00', tz), pacer, true);
  const booked = bookDay(s, rng, pop, date, nextCard);
  tally.visits += booked.bookings.length;
  tally.bookingsRefused += booked.refused;
  tally.bookingsMovedToSafeStart += booked.movedToSafeStart;
  for (const [k, v] of Object.entries(booked.refusalCodes)) tally.refusalCodes[k] = (tally.refusalCodes[k] ?? 0) + v;
  const agents = booked.bookings.flatMap((b) => agentsFor(b, booked.cards, s.site, rng, s.config.settings.planning.arrivalWindowMinutes));
  // A few forget their card at home: they are let in by reception.
  for (const a of agents) if (a.b.forgetsCard) a.card = undefined;
  tally.people += agents.length;
  tally.plannedSteps += agents.reduce((n, a) => n + a.steps.length, 0);
  if (agents.length === 0) return;
  const windows = booked.bookings.flatMap((b) => b.movements);
  const first = Math.min(...windows.map((m) => m.windowStart)) - 40 * MIN;
  const last = Math.max(...windows.map((m) => m.windowEnd)) + DAY_TAIL_MS;
  const roomZone = new Map(s.config.site.rooms.map((r) => [r.id, r.zone]));
  for (const b of booked.bookings) {
    truth.visits.push({ bookingId: b.id, label: `${date} ${b.serviceType} visit in ${b.roomId} (booking ${b.id.slice(0, 8)})`, roomZone: roomZone.get(b.roomId), start: b.start, end: b.end });
  }
  const world = new DayWorld(rig, agents, reception, tally, rng, truth.presence);
  reception.watch({ zoneOf: world.zoneOf, people: () => world.truth.keys() });
  const faults = new FaultSchedule(rig, rng, tally, faultMode, first + 40 * MIN, last - DAY_TAIL_MS);
  // Let the esp-rfid pushes of the new bookings settle before the first arrival.
  await advanceTo(rig, first, pacer, true);
  for (let now = rig.clock.now(); ; now = rig.clock.now()) {
    await world.step(now);
    reception.tick(now);
    await faults.tick(now);
    if ((now > last && world.finished() && !faults.busy) || now > last + MAX_OVERRUN_MS) break;
    await pacer.step(world.dueWithin(now, 2 * MIN) || faults.busy ? ACTIVE_STEP_MS : QUIET_STEP_MS);
  }
  await faults.clear();
  world.closeDay(rig.clock.now());
  reception.tick(rig.clock.now() + 60 * MIN);
}

interface Pacer {
  step(ms: number): Promise<void>;
}

/** Advances the clock; with a speed, keeps real time at simulated/speed. */
function pace(rig: CentreRig, speed: number | undefined): Pacer {
  let realAnchor = performance.now();
  let simAnchor = rig.clock.now();
  return {
    async step(ms: number) {
      rig.clock.advance(ms);
      if (!speed) return sleep(1);
      const due = realAnchor + (rig.clock.now() - simAnchor) / speed;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -5000) {
        realAnchor = performance.now();
        simAnchor = rig.clock.now();
        await sleep(1);
      } else await sleep(1);
    },
  };
}

/** Moves the clock to `target` in steps of at most a minute (heartbeats and pushes keep flowing). */
async function advanceTo(rig: CentreRig, target: number, pacer: Pacer, fast: boolean): Promise<void> {
  while (rig.clock.now() < target) {
    const ms = Math.min(60_000, target - rig.clock.now());
    if (fast) {
      rig.clock.advance(ms);
      await sleep(1);
    } else await pacer.step(ms);
  }
}

function countDecision(t: Tally, d: { outcome: string; code: string }): void {
  if (d.outcome === 'granted') {
    t.grants++;
    t.grantsByCode[d.code] = (t.grantsByCode[d.code] ?? 0) + 1;
  } else if (d.outcome === 'denied') t.denials[d.code] = (t.denials[d.code] ?? 0) + 1;
  else if (d.outcome === 'held') t.holds[d.code] = (t.holds[d.code] ?? 0) + 1;
}

function addDays(date: string, n: number): string {
  const t = Date.parse(`${date}T12:00:00Z`) + n * 24 * 60 * MIN;
  return new Date(t).toISOString().slice(0, 10);
}
