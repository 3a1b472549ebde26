/** Credentials: staff cards (by schedule) and per-booking visitor cards, PINs and QR payloads. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.js';
import type { Credential, CredentialKind } from '../../domain/model.js';

interface Row {
  id: string;
  person_id: string;
  kind: CredentialKind;
  value: string;
  booking_id: string | null;
  schedule_json: string | null;
  issued_at: number;
  revoked_at: number | null;
}

const toCredential = (r: Row): Credential => ({
  id: r.id,
  personId: r.person_id,
  kind: r.kind,
  value: r.value,
  ...(r.booking_id ? { bookingId: r.booking_id } : {}),
  ...(r.schedule_json ? { schedule: JSON.parse(r.schedule_json) as Credential['schedule'] } : {}),
  issuedAt: r.issued_at,
  ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
});

export function credentialsRepo(db: Db, now: () => number) {
  return {
    /** `value` must already be in stored form (card id, or the hash of a PIN/QR payload). */
    issue(input: Omit<Credential, 'id' | 'issuedAt' | 'revokedAt'>): Credential {
      const cred: Credential = { id: randomUUID(), issuedAt: now(), ...input };
      db.prepare(
        'INSERT INTO credentials (id, person_id, kind, value, booking_id, schedule_json, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(cred.id, cred.personId, cred.kind, cred.value, cred.bookingId ?? null, cred.schedule ? JSON.stringify(cred.schedule) : null, cred.issuedAt);
      return cred;
    },
    revoke(id: string): Credential | undefined {
      db.prepare('UPDATE credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now(), id);
      return this.get(id);
    },
    get(id: string): Credential | undefined {
      const row = db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as Row | undefined;
      return row && toCredential(row);
    },
    /** Credentials not revoked: the access core's working set. */
    active(): Credential[] {
      return (db.prepare('SELECT * FROM credentials WHERE revoked_at IS NULL').all() as Row[]).map(toCredential);
    },
    /** Active credentials plus those revoked since `since`, so a revoked card is told apart from an unknown one. */
    workingSet(since: number): Credential[] {
      return (db.prepare('SELECT * FROM credentials WHERE revoked_at IS NULL OR revoked_at > ?').all(since) as Row[]).map(toCredential);
    },
    forBooking(bookingId: string): Credential[] {
      return (db.prepare('SELECT * FROM credentials WHERE booking_id = ? ORDER BY issued_at').all(bookingId) as Row[]).map(toCredential);
    },
    findActiveByValue(kind: CredentialKind, value: string): Credential | undefined {
      const row = db.prepare('SELECT * FROM credentials WHERE kind = ? AND value = ? AND revoked_at IS NULL').get(kind, value) as
        | Row
        | undefined;
      return row && toCredential(row);
    },
  };
}

export type CredentialsRepo = ReturnType<typeof credentialsRepo>;
