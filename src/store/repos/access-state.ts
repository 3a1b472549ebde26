/**
 * The access core's learned state (possible zones, doors, passages, lockdown, command
 * counter), one row per entry, so a decision's change is written as the few rows it
 * touched rather than the whole state: what each decision costs to save does not grow
 * with the people on site or the passages of the day.
 */
import type { Db } from '../db.js';
import type { AccessSnapshot, SnapshotPatch } from '../../domain/access-snapshot.js';

const MAPS = ['possible', 'doors', 'passages'] as const;
/** Where earlier versions kept the whole state as one JSON document (imported once by load()). */
const LEGACY_KV_KEY = 'access-state';

export function accessStateRepo(db: Db) {
  const upsert = db.prepare('INSERT INTO access_state (map, key, value) VALUES (?, ?, ?) ON CONFLICT(map, key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM access_state WHERE map = ? AND key = ?');
  const all = db.prepare('SELECT map, key, value FROM access_state');
  const legacy = db.prepare('SELECT value FROM kv WHERE key = ?');
  const dropLegacy = db.prepare('DELETE FROM kv WHERE key = ?');
  const clear = db.prepare('DELETE FROM access_state');

  const apply = (patch: SnapshotPatch): void => {
    for (const map of MAPS) {
      for (const [key, value] of Object.entries(patch.set[map] ?? {})) upsert.run(map, key, JSON.stringify(value));
      for (const key of patch.removed[map] ?? []) remove.run(map, key);
    }
    upsert.run('meta', 'lockdown', JSON.stringify(patch.lockdown));
    upsert.run('meta', 'seq', JSON.stringify(patch.seq));
  };

  /** Replaces everything saved with `snap`. */
  const replace = db.transaction((snap: AccessSnapshot) => {
    clear.run();
    const set = Object.fromEntries(MAPS.map((m) => [m, snap[m] as Record<string, unknown>]));
    apply({ set, removed: {}, lockdown: snap.lockdown, seq: snap.seq });
  });

  return {
    /** Writes one decision's change (call inside the batch's transaction). */
    apply,
    replace,
    /**
     * The saved state, or undefined when nothing was ever saved. Throws on an entry that does
     * not parse (the caller decides what an unreadable state means).
     */
    load(): AccessSnapshot | undefined {
      const rows = all.all() as { map: string; key: string; value: string }[];
      if (rows.length === 0) return importLegacy();
      const snap = { possible: {}, doors: {}, passages: {}, lockdown: false, seq: 0 } as AccessSnapshot & Record<(typeof MAPS)[number], Record<string, unknown>>;
      for (const { map, key, value } of rows) {
        const parsed: unknown = JSON.parse(value);
        if (map === 'meta') {
          if (key === 'lockdown') snap.lockdown = parsed === true;
          else if (key === 'seq' && typeof parsed === 'number') snap.seq = parsed;
        } else if ((MAPS as readonly string[]).includes(map)) {
          (snap[map as (typeof MAPS)[number]] as Record<string, unknown>)[key] = parsed;
        }
      }
      return snap;
    },
  };

  function importLegacy(): AccessSnapshot | undefined {
    const row = legacy.get(LEGACY_KV_KEY) as { value: string } | undefined;
    if (!row) return undefined;
    const saved = JSON.parse(row.value) as Partial<AccessSnapshot>;
    const snap: AccessSnapshot = { possible: saved.possible ?? {}, doors: saved.doors ?? {}, passages: saved.passages ?? {}, lockdown: saved.lockdown === true, seq: saved.seq ?? 0 };
    db.transaction(() => {
      replace(snap);
      dropLegacy.run(LEGACY_KV_KEY);
    })();
    return snap;
  }
}
