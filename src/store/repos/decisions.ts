/** Every access decision the core makes, granted or not, with its reason. */
import type { Db } from '../db.js';

export interface DecisionRecord {
  at: number;
  doorId?: string;
  readerId?: string;
  personId?: string;
  movementId?: string;
  outcome: string;
  code: string;
  reason: string;
  detail?: Record<string, unknown>;
}

export function decisionsRepo(db: Db) {
  const insert = db.prepare(
    `INSERT INTO access_decisions (at, door_id, reader_id, person_id, movement_id, outcome, code, reason, detail_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    record(d: DecisionRecord): number {
      return Number(
        insert.run(
          d.at,
          d.doorId ?? null,
          d.readerId ?? null,
          d.personId ?? null,
          d.movementId ?? null,
          d.outcome,
          d.code,
          d.reason,
          d.detail ? JSON.stringify(d.detail) : null,
        ).lastInsertRowid,
      );
    },
    list(opts: { from?: number; to?: number; doorId?: string; limit?: number } = {}): (DecisionRecord & { id: number })[] {
      const rows = db
        .prepare(
          `SELECT * FROM access_decisions WHERE at >= ? AND at < ? AND (? IS NULL OR door_id = ?) ORDER BY id DESC LIMIT ?`,
        )
        .all(opts.from ?? 0, opts.to ?? Number.MAX_SAFE_INTEGER, opts.doorId ?? null, opts.doorId ?? null, opts.limit ?? 200) as {
        id: number;
        at: number;
        door_id: string | null;
        reader_id: string | null;
        person_id: string | null;
        movement_id: string | null;
        outcome: string;
        code: string;
        reason: string;
        detail_json: string | null;
      }[];
      return rows.map((r) => ({
        id: r.id,
        at: r.at,
        ...(r.door_id ? { doorId: r.door_id } : {}),
        ...(r.reader_id ? { readerId: r.reader_id } : {}),
        ...(r.person_id ? { personId: r.person_id } : {}),
        ...(r.movement_id ? { movementId: r.movement_id } : {}),
        outcome: r.outcome,
        code: r.code,
        reason: r.reason,
        ...(r.detail_json ? { detail: JSON.parse(r.detail_json) as Record<string, unknown> } : {}),
      }));
    },
  };
}

export type DecisionsRepo = ReturnType<typeof decisionsRepo>;
