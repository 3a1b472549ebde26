/** Staff training records with expiry (safeguarding, domestic abuse, ...). */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.js';
import type { TrainingKind, TrainingRecord } from '../../domain/model.js';

interface Row {
  id: string;
  staff_id: string;
  kind: TrainingKind;
  completed_on: string;
  expires_on: string;
}

const toRecord = (r: Row): TrainingRecord => ({
  id: r.id,
  staffId: r.staff_id,
  kind: r.kind,
  completedOn: r.completed_on,
  expiresOn: r.expires_on,
});

export function trainingRepo(db: Db) {
  return {
    add(input: Omit<TrainingRecord, 'id'>): TrainingRecord {
      const record = { id: randomUUID(), ...input };
      db.prepare('INSERT INTO training (id, staff_id, kind, completed_on, expires_on) VALUES (?, ?, ?, ?, ?)').run(
        record.id,
        record.staffId,
        record.kind,
        record.completedOn,
        record.expiresOn,
      );
      return record;
    },
    forStaff(staffId: string): TrainingRecord[] {
      return (db.prepare('SELECT * FROM training WHERE staff_id = ? ORDER BY expires_on').all(staffId) as Row[]).map(toRecord);
    },
  };
}

export type TrainingRepo = ReturnType<typeof trainingRepo>;
