/** Local user accounts (argon2 hashes) and their login sessions (only token hashes stored). */
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db.js';
import type { StaffRole } from '../../domain/model.js';

export interface User {
  id: string;
  username: string;
  role: StaffRole;
  personId: string | null;
  disabled: boolean;
}

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  role: StaffRole;
  person_id: string | null;
  disabled_at: number | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  personId: r.person_id,
  disabled: r.disabled_at !== null,
});

export function usersRepo(db: Db, now: () => number) {
  return {
    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM users WHERE disabled_at IS NULL').get() as { n: number }).n;
    },
    create(input: { username: string; passwordHash: string; role: StaffRole; personId?: string }): User {
      const id = randomUUID();
      db.prepare('INSERT INTO users (id, username, password_hash, role, person_id, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        id,
        input.username,
        input.passwordHash,
        input.role,
        input.personId ?? null,
        now(),
      );
      return this.get(id)!;
    },
    get(id: string): User | undefined {
      const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
      return row && toUser(row);
    },
    /** The user and its password hash, for login only. */
    findForLogin(username: string): { user: User; passwordHash: string } | undefined {
      const row = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
      return row && { user: toUser(row), passwordHash: row.password_hash };
    },
    list(): User[] {
      return (db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
    },
  };
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface Session {
  userId: string;
  csrfToken: string;
  expiresAt: number;
}

export function sessionsRepo(db: Db) {
  return {
    create(token: string, session: Session & { createdAt: number }): void {
      db.prepare('INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(
        hashToken(token),
        session.userId,
        session.csrfToken,
        session.createdAt,
        session.expiresAt,
      );
    },
    find(token: string, at: number): Session | undefined {
      const row = db
        .prepare('SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?')
        .get(hashToken(token), at) as { user_id: string; csrf_token: string; expires_at: number } | undefined;
      return row && { userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at };
    },
    delete(token: string): void {
      db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(hashToken(token));
    },
    purgeExpired(at: number): number {
      return db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(at).changes;
    },
  };
}

export type UsersRepo = ReturnType<typeof usersRepo>;
export type SessionsRepo = ReturnType<typeof sessionsRepo>;
