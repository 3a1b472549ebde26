/**
 * Per-case stagger settings (DESIGN.md "Practice the defaults come from"): who arrives
 * first and the gap between the two parties, defaulted from the risk level, never
 * hard-coded. Also splits a booking's participants into the two parties.
 */
import type { SettingsConfig } from '../config/schema.js';
import type { Booking, CaseRecord, Participant, RiskLevel } from './model.js';

export type PlanningSettings = SettingsConfig['planning'];

/** Minimum gap per risk level; the site's defaultGapMinutes is the low-risk gap. */
const RISK_GAP_FLOOR: Record<RiskLevel, number> = { low: 0, medium: 20, high: 30 };

/** The gap in minutes: the case's own setting, else the larger of the site default and the risk floor. */
export function gapMinutesFor(caseRecord: CaseRecord, planning: PlanningSettings): number {
  if (caseRecord.settings.gapMinutes !== undefined) return caseRecord.settings.gapMinutes;
  return Math.max(planning.defaultGapMinutes, RISK_GAP_FLOOR[caseRecord.risk.level]);
}

export type Party = 'resident' | 'visiting';

/** The party a participant comes and goes with; the child arrives with the resident party. */
export function partyOf(p: Participant): Party {
  if (p.role === 'child' || p.role === 'resident-parent') return 'resident';
  if (p.role === 'visiting-parent') return 'visiting';
  return p.party ?? 'resident';
}

export interface Parties {
  resident: Participant[];
  visiting: Participant[];
  /** The parent whose exit releases the other party (the party's lead adult). */
  residentLead?: string;
  visitingLead?: string;
}

export function splitParties(booking: Booking): Parties {
  const resident = booking.participants.filter((p) => partyOf(p) === 'resident');
  const visiting = booking.participants.filter((p) => partyOf(p) === 'visiting');
  const lead = (ps: Participant[], role: Participant['role']) =>
    (ps.find((p) => p.role === role) ?? ps.find((p) => p.role === 'authorised-adult'))?.personId;
  return { resident, visiting, residentLead: lead(resident, 'resident-parent'), visitingLead: lead(visiting, 'visiting-parent') };
}

/**
 * The two parents of every booking form a keep-apart pair by default (DESIGN.md
 * "Words"), on top of the pairs named in each case (which may span families).
 */
export function keepApartPairsOf(bookings: readonly Booking[], cases: readonly CaseRecord[]): { a: string; b: string; reason: string }[] {
  const pairs = new Map<string, { a: string; b: string; reason: string }>();
  const add = (a: string, b: string, reason: string) => {
    if (a === b) return;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (!pairs.has(key)) pairs.set(key, { a, b, reason });
  };
  for (const c of cases) for (const p of c.keepApart) add(p.a, p.b, p.reason);
  for (const b of bookings) {
    if (b.status === 'cancelled') continue;
    const rp = b.participants.filter((p) => p.role === 'resident-parent');
    const vp = b.participants.filter((p) => p.role === 'visiting-parent');
    for (const r of rp) for (const v of vp) add(r.personId, v.personId, 'the two parents of a case');
  }
  return [...pairs.values()];
}
