/**
 * Opens the daemon's single SQLite database (WAL) under the data dir and applies the
 * versioned migrations. Everything contactd must remember lives here.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ContactdError, ErrorCodes } from '../errors.js';
import { migrations } from './migrations.js';

export type Db = Database.Database;

export const DB_FILE = 'contactd.sqlite';

export function openDatabase(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return openDatabaseFile(path.join(dataDir, DB_FILE));
}

/** `:memory:` works too, for tests of pure repositories. */
export function openDatabaseFile(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commit.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

/** Applies every migration newer than the database's version, each in its own transaction. */
export function migrate(db: Db): MigrationResult {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
  const from = Math.max(0, ...done);
  const known = [...migrations].sort((a, b) => a.version - b.version);
  const latest = known[known.length - 1]?.version ?? 0;
  if (from > latest) {
    throw new ContactdError(
      ErrorCodes.STORE_MIGRATION_FAILED,
      `database is at schema version ${from}, newer than this contactd knows (${latest}); refusing to run an older daemon on it`,
    );
  }
  const applied: string[] = [];
  // Every migration not yet applied, in version order (also one that landed after a later one).
  for (const m of known.filter((x) => !done.has(x.version))) {
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          m.version,
          m.name,
          new Date().toISOString(),
        );
      })();
    } catch (e) {
      throw new ContactdError(ErrorCodes.STORE_MIGRATION_FAILED, `migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
    }
    applied.push(`${m.version} ${m.name}`);
  }
  return { from, to: Math.max(from, latest), applied };
}
