/**
 * Pure retention rules (no I/O): untagged footage goes after `untaggedDays`; footage of
 * a visit is kept until `visitDaysAfterCaseClosed` after its case closed (for every
 * visit it shows); footage under an evidence hold is never deleted automatically. When
 * in doubt (a booking or case that cannot be found) the footage is kept.
 */

export interface RetentionSettings {
  untaggedDays: number;
  visitDaysAfterCaseClosed: number;
}

export interface CaseState {
  status: 'open' | 'closed';
  /** Local date YYYY-MM-DD. */
  closedOn?: string;
}

export type Verdict = { delete: true; reason: string } | { delete: false; reason: string };

const DAY_MS = 86_400_000;

/** The first instant after the local date `day` has surely ended anywhere (UTC midnight + 1 day + 14 h). */
export function endOfLocalDay(day: string): number {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) ? t + DAY_MS + 14 * 3_600_000 : Number.NaN;
}

export function retentionVerdict(
  segment: { endAt: number },
  tags: readonly { kind: 'visit' | 'evidence-hold'; refId: string }[],
  caseOfBooking: (bookingId: string) => CaseState | undefined,
  now: number,
  settings: RetentionSettings,
): Verdict {
  if (tags.some((t) => t.kind === 'evidence-hold')) return { delete: false, reason: 'under evidence hold' };
  if (tags.length === 0) {
    return segment.endAt < now - settings.untaggedDays * DAY_MS
      ? { delete: true, reason: `untagged, older than ${settings.untaggedDays} days` }
      : { delete: false, reason: 'untagged, within retention' };
  }
  for (const t of tags) {
    const c = caseOfBooking(t.refId);
    if (!c) return { delete: false, reason: `visit ${t.refId}: case unknown, kept` };
    if (c.status !== 'closed' || !c.closedOn) return { delete: false, reason: `visit ${t.refId}: case open` };
    const until = endOfLocalDay(c.closedOn) + settings.visitDaysAfterCaseClosed * DAY_MS;
    if (!Number.isFinite(until) || now < until) return { delete: false, reason: `visit ${t.refId}: kept until ${settings.visitDaysAfterCaseClosed} days after the case closed` };
  }
  return { delete: true, reason: `visit footage, ${settings.visitDaysAfterCaseClosed} days after its case closed` };
}
