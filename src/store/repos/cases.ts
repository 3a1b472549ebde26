/** Cases: the family, the referral, the risk assessment and the keep-apart pairs. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.js';
import type { CaseRecord, CaseSettings, KeepApartPair, RiskLevel } from '../../domain/model.js';

interface Row {
  id: string;
  reference: string;
  family_name: string;
  referral_json: string;
  risk_level: RiskLevel;
  risk_assessed_on: string;
  risk_review_due: string;
  settings_json: string;
  status: 'open' | 'closed';
  closed_on: string | null;
}

interface PairRow {
  id: string;
  case_id: string;
  person_a: string;
  person_b: string;
  reason: string;
}

export interface StoredKeepApartPair extends KeepApartPair {
  id: string;
  caseId: string;
}

export type NewCase = Omit<CaseRecord, 'id' | 'keepApart' | 'status' | 'closedOn'>;

export function casesRepo(db: Db, now: () => number) {
  const pairsOf = (caseId: string): KeepApartPair[] =>
    (db.prepare('SELECT * FROM keep_apart WHERE case_id = ? ORDER BY created_at').all(caseId) as PairRow[]).map((p) => ({
      a: p.person_a,
      b: p.person_b,
      reason: p.reason,
    }));
  const toCase = (r: Row): CaseRecord => ({
    id: r.id,
    reference: r.reference,
    familyName: r.family_name,
    referral: JSON.parse(r.referral_json) as CaseRecord['referral'],
    risk: { level: r.risk_level, assessedOn: r.risk_assessed_on, reviewDue: r.risk_review_due },
    keepApart: pairsOf(r.id),
    settings: JSON.parse(r.settings_json) as CaseSettings,
    status: r.status,
    ...(r.closed_on ? { closedOn: r.closed_on } : {}),
  });

  return {
    create(input: NewCase): CaseRecord {
      const id = randomUUID();
      const t = now();
      db.prepare(
        `INSERT INTO cases (id, reference, family_name, referral_json, risk_level, risk_assessed_on, risk_review_due,
           settings_json, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
      ).run(
        id,
        input.reference,
        input.familyName,
        JSON.stringify(input.referral),
        input.risk.level,
        input.risk.assessedOn,
        input.risk.reviewDue,
        JSON.stringify(input.settings),
        t,
        t,
      );
      return this.get(id)!;
    },
    get(id: string): CaseRecord | undefined {
      const row = db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
      return row && toCase(row);
    },
    list(opts: { status?: 'open' | 'closed' } = {}): CaseRecord[] {
      const rows = db
        .prepare('SELECT * FROM cases WHERE (? IS NULL OR status = ?) ORDER BY reference')
        .all(opts.status ?? null, opts.status ?? null) as Row[];
      return rows.map(toCase);
    },
    update(
      id: string,
      patch: Partial<Pick<CaseRecord, 'risk' | 'settings' | 'familyName'>> & { status?: 'open' | 'closed'; closedOn?: string },
    ): CaseRecord | undefined {
      const current = this.get(id);
      if (!current) return undefined;
      const next = { ...current, ...patch };
      db.prepare(
        `UPDATE cases SET family_name = ?, risk_level = ?, risk_assessed_on = ?, risk_review_due = ?, settings_json = ?,
           status = ?, closed_on = ?, updated_at = ? WHERE id = ?`,
      ).run(
        next.familyName,
        next.risk.level,
        next.risk.assessedOn,
        next.risk.reviewDue,
        JSON.stringify(next.settings),
        next.status,
        next.status === 'closed' ? (next.closedOn ?? null) : null,
        now(),
        id,
      );
      return this.get(id);
    },
    addKeepApart(caseId: string, pair: KeepApartPair): StoredKeepApartPair {
      const id = randomUUID();
      db.prepare('INSERT INTO keep_apart (id, case_id, person_a, person_b, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        id,
        caseId,
        pair.a,
        pair.b,
        pair.reason,
        now(),
      );
      return { id, caseId, ...pair };
    },
    /** Every keep-apart pair in the centre: pairs can span families, so planning reads them all. */
    allKeepApart(): StoredKeepApartPair[] {
      return (db.prepare('SELECT * FROM keep_apart').all() as PairRow[]).map((p) => ({
        id: p.id,
        caseId: p.case_id,
        a: p.person_a,
        b: p.person_b,
        reason: p.reason,
      }));
    },
  };
}

export type CasesRepo = ReturnType<typeof casesRepo>;
