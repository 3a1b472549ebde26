/**
 * What a simulated run counts, and the report made of it: a JSON object (`--json`) and
 * a human-readable table. keepApartIncidents is judged by the simulator's ground truth
 * (where every person really is), never by the daemon's own beliefs.
 */

export interface Tally {
  visits: number;
  bookingsRefused: number;
  bookingsMovedToSafeStart: number;
  refusalCodes: Record<string, number>;
  people: number;
  plannedSteps: number;
  completedSteps: number;
  passages: number;
  taps: number;
  grants: number;
  grantsByCode: Record<string, number>;
  denials: Record<string, number>;
  holds: Record<string, number>;
  keepApartIncidents: number;
  incidents: string[];
  /** A person truly in a zone the daemon did not think they could be in. */
  beliefMismatches: number;
  mismatchSamples: string[];
  behaviours: Record<string, number>;
  receptionReleases: number;
  receptionReleasesHeld: number;
  whereaboutsConfirmed: number;
  alertsRaised: number;
  alertsAcknowledged: number;
  alertsByKind: Record<string, number>;
  /** Card presentation -> relay unlocked, real ms, for unlocks the daemon decided. */
  latencies: number[];
  /** esp-rfid taps its firmware granted from its pushed user table. */
  localGrants: number;
  grantsWithoutUnlock: number;
  faults: Record<string, number>;
  stuckPeople: number;
}

export function newTally(): Tally {
  return {
    visits: 0, bookingsRefused: 0, bookingsMovedToSafeStart: 0, refusalCodes: {}, people: 0, plannedSteps: 0, completedSteps: 0, passages: 0, taps: 0,
    grants: 0, grantsByCode: {}, denials: {}, holds: {}, keepApartIncidents: 0, incidents: [], beliefMismatches: 0, mismatchSamples: [], behaviours: {},
    receptionReleases: 0, receptionReleasesHeld: 0, whereaboutsConfirmed: 0, alertsRaised: 0, alertsAcknowledged: 0, alertsByKind: {},
    latencies: [], localGrants: 0, grantsWithoutUnlock: 0, faults: {}, stuckPeople: 0,
  };
}

export function bump(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

export interface SimulationReport {
  days: number;
  seed: number;
  visits: number;
  bookingsRefused: number;
  bookingsMovedToSafeStart: number;
  people: number;
  movements: number;
  movementsCompleted: number;
  passages: number;
  taps: number;
  grants: number;
  grantsByReason: Record<string, number>;
  denials: Record<string, number>;
  holds: Record<string, number>;
  keepApartIncidents: number;
  incidents: string[];
  beliefMismatches: number;
  beliefSamples: string[];
  behaviours: Record<string, number>;
  receptionReleases: number;
  receptionReleasesHeld: number;
  whereaboutsConfirmed: number;
  /** Visits whose every segment showing their people (by ground truth) is tagged to them. */
  visitsFullyTagged: number;
  footage: Omit<FootageSummary, 'visitsFullyTagged'>;
  alertsRaised: number;
  alertsAcknowledged: number;
  alertsByKind: Record<string, number>;
  unlocks: number;
  localGrants: number;
  grantsWithoutUnlock: number;
  unlockP50Ms: number | null;
  unlockP95Ms: number | null;
  unlockP99Ms: number | null;
  unlockMaxMs: number | null;
  faults: Record<string, number>;
  stuckPeople: number;
  auditChainOk: boolean;
  simulatedHours: number;
  wallSeconds: number;
}

export interface FootageSummary {
  visitsFullyTagged: number;
  /** Segments the simulated cameras closed into the daemon's footage index. */
  segmentsRecorded: number;
  gapsRecorded: number;
  cameraOfflineMinutes: number;
  /** Segments that, by ground truth, show a visit's people (per visit, summed). */
  visitSegmentsExpected: number;
  visitSegmentsTagged: number;
  /** Segments tagged to a visit that ground truth does not require (the tagger's margins and caution). */
  visitSegmentsTaggedBeyondTruth: number;
  /** Camera-minutes a visit should have been on camera but nothing was recorded (camera offline). */
  visitCameraMinutesUnrecorded: number;
  /** One line per visit not fully tagged: what is missing. */
  visitsNotFullyTagged: string[];
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i]! * 10) / 10;
}

export function buildReport(t: Tally, extra: { days: number; seed: number; auditChainOk: boolean; simulatedHours: number; wallSeconds: number; footage: FootageSummary }): SimulationReport {
  const sorted = [...t.latencies].sort((a, b) => a - b);
  return {
    days: extra.days,
    seed: extra.seed,
    visits: t.visits,
    bookingsRefused: t.bookingsRefused,
    bookingsMovedToSafeStart: t.bookingsMovedToSafeStart,
    people: t.people,
    movements: t.plannedSteps,
    movementsCompleted: t.completedSteps,
    passages: t.passages,
    taps: t.taps,
    grants: t.grants,
    grantsByReason: t.grantsByCode,
    denials: t.denials,
    holds: t.holds,
    keepApartIncidents: t.keepApartIncidents,
    incidents: t.incidents.slice(0, 20),
    beliefMismatches: t.beliefMismatches,
    beliefSamples: t.mismatchSamples.slice(0, 10),
    behaviours: t.behaviours,
    receptionReleases: t.receptionReleases,
    receptionReleasesHeld: t.receptionReleasesHeld,
    whereaboutsConfirmed: t.whereaboutsConfirmed,
    visitsFullyTagged: extra.footage.visitsFullyTagged,
    footage: (({ visitsFullyTagged: _, ...rest }) => rest)(extra.footage),
    alertsRaised: t.alertsRaised,
    alertsAcknowledged: t.alertsAcknowledged,
    alertsByKind: t.alertsByKind,
    unlocks: sorted.length,
    localGrants: t.localGrants,
    grantsWithoutUnlock: t.grantsWithoutUnlock,
    unlockP50Ms: percentile(sorted, 50),
    unlockP95Ms: percentile(sorted, 95),
    unlockP99Ms: percentile(sorted, 99),
    unlockMaxMs: sorted.length ? Math.round(sorted.at(-1)! * 10) / 10 : null,
    faults: t.faults,
    stuckPeople: t.stuckPeople,
    auditChainOk: extra.auditChainOk,
    simulatedHours: Math.round(extra.simulatedHours * 10) / 10,
    wallSeconds: Math.round(extra.wallSeconds * 10) / 10,
  };
}

const list = (m: Record<string, number>) =>
  Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';

export function formatReport(r: SimulationReport): string {
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v} ms`);
  const rows: [string, string][] = [
    ['days simulated', `${r.days} (seed ${r.seed}, ${r.simulatedHours} h simulated in ${r.wallSeconds} s)`],
    ['visits', `${r.visits} booked, ${r.bookingsRefused} refusals, ${r.bookingsMovedToSafeStart} moved to the proposed safe start`],
    ['people', String(r.people)],
    ['movements', `${r.movementsCompleted} of ${r.movements} planned passages made; ${r.passages} passages in all`],
    ['card taps', String(r.taps)],
    ['grants', `${r.grants} (${list(r.grantsByReason)})`],
    ['denials', list(r.denials)],
    ['holds', list(r.holds)],
    ['KEEP-APART CO-PRESENCE', `${r.keepApartIncidents}${r.keepApartIncidents === 0 ? ' (none: every pair kept apart)' : ' !!'}`],
    ['beliefs unsound', `${r.beliefMismatches} (someone where the daemon thought they could not be)`],
    ['what people did', list(r.behaviours)],
    ['reception', `${r.receptionReleases} releases (${r.receptionReleasesHeld} held for keep-apart), ${r.whereaboutsConfirmed} whereabouts confirmed`],
    ['footage tagging', `${r.visitsFullyTagged} of ${r.visits} visits fully tagged (${r.footage.visitSegmentsTagged} of ${r.footage.visitSegmentsExpected} segments showing a visit's people; ${r.footage.visitSegmentsTaggedBeyondTruth} more tagged than the truth needs)`],
    ['recording', `${r.footage.segmentsRecorded} segments, ${r.footage.gapsRecorded} gaps (cameras offline ${r.footage.cameraOfflineMinutes} min; ${r.footage.visitCameraMinutesUnrecorded} camera-min of visits unrecorded)`],
    ['alerts', `${r.alertsRaised} raised, ${r.alertsAcknowledged} acknowledged (${list(r.alertsByKind)})`],
    ['unlock latency', `p50 ${ms(r.unlockP50Ms)}, p95 ${ms(r.unlockP95Ms)}, p99 ${ms(r.unlockP99Ms)}, max ${ms(r.unlockMaxMs)} over ${r.unlocks} unlocks (+${r.localGrants} esp-rfid local grants)`],
    ['hardware faults', list(r.faults)],
    ['left stuck at close', String(r.stuckPeople)],
    ['audit chain', r.auditChainOk ? 'verifies' : 'BROKEN'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (r.incidents.length) lines.push('', 'incidents:', ...r.incidents.map((i) => `  ${i}`));
  if (r.footage.visitsNotFullyTagged.length) lines.push('', 'visits not fully tagged:', ...r.footage.visitsNotFullyTagged.map((i) => `  ${i}`));
  return lines.join('\n') + '\n';
}
