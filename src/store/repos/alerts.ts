/** Alerts from security hardware and the access core: persisted before they are shown anywhere. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.js';

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface AlertRecord {
  id: string;
  kind: string;
  severity: AlertSeverity;
  text: string;
  /** What raised it: `device:<id>`, `door:<id>`, `access`, `user:<name>`. */
  source: string;
  zoneId?: string;
  doorId?: string;
  dedupeKey: string;
  repeats: number;
  raisedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  note?: string;
  escalatedAt?: number;
  escalations: number;
}

interface Row {
  id: string;
  kind: string;
  severity: AlertSeverity;
  text: string;
  source: string;
  zone_id: string | null;
  door_id: string | null;
  dedupe_key: string;
  repeats: number;
  raised_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  note: string | null;
  escalated_at: number | null;
  escalations: number;
}

const opt = <K extends string, V>(key: K, v: V | null): { [P in K]?: V } => (v === null ? {} : ({ [key]: v } as { [P in K]: V }));

const toAlert = (r: Row): AlertRecord => ({
  id: r.id,
  kind: r.kind,
  severity: r.severity,
  text: r.text,
  source: r.source,
  ...opt('zoneId', r.zone_id),
  ...opt('doorId', r.door_id),
  dedupeKey: r.dedupe_key,
  repeats: r.repeats,
  raisedAt: r.raised_at,
  ...opt('acknowledgedAt', r.acknowledged_at),
  ...opt('acknowledgedBy', r.acknowledged_by),
  ...opt('resolvedAt', r.resolved_at),
  ...opt('resolvedBy', r.resolved_by),
  ...opt('note', r.note),
  ...opt('escalatedAt', r.escalated_at),
  escalations: r.escalations,
});

export type NewAlert = Pick<AlertRecord, 'kind' | 'severity' | 'text' | 'source' | 'dedupeKey' | 'raisedAt'> & Partial<Pick<AlertRecord, 'zoneId' | 'doorId'>>;

export function alertsRepo(db: Db) {
  return {
    insert(a: NewAlert): AlertRecord {
      const id = randomUUID();
      db.prepare(
        `INSERT INTO alerts (id, kind, severity, text, source, zone_id, door_id, dedupe_key, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(id, a.kind, a.severity, a.text, a.source, a.zoneId ?? null, a.doorId ?? null, a.dedupeKey, a.raisedAt);
      return this.get(id)!;
    },
    get(id: string): AlertRecord | undefined {
      const row = db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as Row | undefined;
      return row && toAlert(row);
    },
    /** The open alert with this key raised since `since`, to fold repeats into one. */
    openByKey(dedupeKey: string, since: number): AlertRecord | undefined {
      const row = db
        .prepare('SELECT * FROM alerts WHERE dedupe_key = ? AND resolved_at IS NULL AND raised_at >= ? ORDER BY raised_at DESC LIMIT 1')
        .get(dedupeKey, since) as Row | undefined;
      return row && toAlert(row);
    },
    repeat(id: string, text: string): AlertRecord {
      db.prepare('UPDATE alerts SET repeats = repeats + 1, text = ? WHERE id = ?').run(text, id);
      return this.get(id)!;
    },
    acknowledge(id: string, by: string, at: number): AlertRecord | undefined {
      db.prepare('UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE id = ? AND acknowledged_at IS NULL').run(at, by, id);
      return this.get(id);
    },
    resolve(id: string, by: string, note: string, at: number): AlertRecord | undefined {
      db.prepare(
        `UPDATE alerts SET resolved_at = ?, resolved_by = ?, note = ?, acknowledged_at = COALESCE(acknowledged_at, ?),
           acknowledged_by = COALESCE(acknowledged_by, ?) WHERE id = ? AND resolved_at IS NULL`,
      ).run(at, by, note, at, by, id);
      return this.get(id);
    },
    escalated(id: string, at: number): AlertRecord {
      db.prepare('UPDATE alerts SET escalated_at = ?, escalations = escalations + 1 WHERE id = ?').run(at, id);
      return this.get(id)!;
    },
    /** Newest first. `open`: not resolved. */
    list(opts: { state?: 'open' | 'all'; limit?: number } = {}): AlertRecord[] {
      const where = opts.state === 'open' ? 'WHERE resolved_at IS NULL' : '';
      return (db.prepare(`SELECT * FROM alerts ${where} ORDER BY raised_at DESC, rowid DESC LIMIT ?`).all(opts.limit ?? 200) as Row[]).map(toAlert);
    },
    unacknowledged(): AlertRecord[] {
      return (db.prepare('SELECT * FROM alerts WHERE acknowledged_at IS NULL AND resolved_at IS NULL ORDER BY raised_at').all() as Row[]).map(toAlert);
    },
    recordLockdown(active: boolean, by: string, reason: string, at: number): void {
      db.prepare('INSERT INTO lockdown_log (active, by, reason, at) VALUES (?, ?, ?, ?)').run(active ? 1 : 0, by, reason, at);
    },
    currentLockdown(): { active: boolean; by: string; reason: string; at: number } | undefined {
      const row = db.prepare('SELECT active, by, reason, at FROM lockdown_log ORDER BY id DESC LIMIT 1').get() as
        | { active: number; by: string; reason: string; at: number }
        | undefined;
      return row && { active: row.active === 1, by: row.by, reason: row.reason, at: row.at };
    },
  };
}

export type AlertsRepo = ReturnType<typeof alertsRepo>;
