/**
 * The append-only, hash-chained audit log. Each record holds the hash of the one
 * before, so editing, inserting or deleting any record breaks every hash after it and
 * `contactd audit verify` names the first broken one. Written for every login, door
 * release, booking change, footage view or export, and config load.
 */
import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../store/db.js';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  /** Who: `user:<username>`, `system`, `device:<id>`, `cli:<os user>`. */
  actor: string;
  /** What, as a dotted verb: `auth.login`, `door.release`, `booking.create`, `footage.view`. */
  action: string;
  /** What it was done to: `booking:<id>`, `door:<id>`. */
  subject?: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'details' | 'subject'>> {
  seq: number;
  at: number;
  subject: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  details_json: string;
  prev_hash: string;
  hash: string;
}

export type VerifyResult =
  | { ok: true; count: number }
  | { ok: false; count: number; brokenSeq: number; reason: string };

export function recordHash(prevHash: string, seq: number, at: number, actor: string, action: string, subject: string | null, detailsJson: string): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, seq, at, actor, action, subject, detailsJson]))
    .digest('hex');
}

export class AuditLog {
  private readonly lastStmt;
  private readonly insertStmt;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.lastStmt = db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare(
      'INSERT INTO audit (seq, at, actor, action, subject, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Appends one record (in its own transaction unless called inside one). */
  append(entry: AuditEntry): AuditRecord {
    return this.db.transaction(() => {
      const last = this.lastStmt.get() as { seq: number; hash: string } | undefined;
      const seq = (last?.seq ?? 0) + 1;
      const prevHash = last?.hash ?? GENESIS_HASH;
      const at = this.clock.now();
      const subject = entry.subject ?? null;
      const details = entry.details ?? {};
      const detailsJson = JSON.stringify(details);
      const hash = recordHash(prevHash, seq, at, entry.actor, entry.action, subject, detailsJson);
      this.insertStmt.run(seq, at, entry.actor, entry.action, subject, detailsJson, prevHash, hash);
      return { seq, at, actor: entry.actor, action: entry.action, subject, details, prevHash, hash };
    }).immediate();
  }

  list(opts: { limit?: number; beforeSeq?: number; action?: string } = {}): AuditRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit WHERE (? IS NULL OR seq < ?) AND (? IS NULL OR action = ?) ORDER BY seq DESC LIMIT ?`,
      )
      .all(opts.beforeSeq ?? null, opts.beforeSeq ?? null, opts.action ?? null, opts.action ?? null, opts.limit ?? 100) as AuditRow[];
    return rows.map(toRecord);
  }

  /** Walks the whole chain in order; stops at the first record that does not verify. */
  verify(): VerifyResult {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.db.prepare('SELECT * FROM audit ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
      if (row.seq !== expectedSeq) {
        return { ok: false, count, brokenSeq: expectedSeq, reason: `record ${expectedSeq} is missing (next is ${row.seq})` };
      }
      if (row.prev_hash !== prevHash) {
        return { ok: false, count, brokenSeq: row.seq, reason: `record ${row.seq} does not link to record ${row.seq - 1}` };
      }
      const hash = recordHash(row.prev_hash, row.seq, row.at, row.actor, row.action, row.subject, row.details_json);
      if (hash !== row.hash) {
        return { ok: false, count, brokenSeq: row.seq, reason: `record ${row.seq} was altered (hash mismatch)` };
      }
      prevHash = row.hash;
      expectedSeq += 1;
      count += 1;
    }
    return { ok: true, count };
  }
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    details: JSON.parse(row.details_json) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
