/** Small named values the daemon keeps across restarts (the access state snapshot, for one). */
import type { Db } from '../db.js';

export function kvRepo(db: Db, now: () => number) {
  const get = db.prepare('SELECT value FROM kv WHERE key = ?');
  const set = db.prepare(
    'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );
  return {
    get: (key: string): string | undefined => (get.get(key) as { value: string } | undefined)?.value,
    set: (key: string, value: string, at = now()): void => {
      set.run(key, value, at);
    },
  };
}
