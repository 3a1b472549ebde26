/**
 * The site as loaded from the configuration: each load is versioned (hash + JSON) and
 * the zone/door/room/camera rows are synced so records can reference them. Rows that
 * leave the config are marked inactive, never deleted (old bookings still point at them).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../db.js';
import type { SiteConfig } from '../../config/schema.js';

export function siteRepo(db: Db, now: () => number) {
  return {
    /** Returns the config hash and whether it differs from the last load. */
    sync(site: SiteConfig): { hash: string; changed: boolean; version: number } {
      const json = JSON.stringify(site);
      const hash = createHash('sha256').update(json).digest('hex');
      return db.transaction(() => {
        const last = db.prepare('SELECT id, config_hash FROM site_versions ORDER BY id DESC LIMIT 1').get() as
          | { id: number; config_hash: string }
          | undefined;
        if (last?.config_hash === hash) return { hash, changed: false, version: last.id };
        const version = Number(
          db.prepare('INSERT INTO site_versions (site_id, config_hash, loaded_at, site_json) VALUES (?, ?, ?, ?)').run(site.id, hash, now(), json)
            .lastInsertRowid,
        );
        for (const table of ['zones', 'doors', 'rooms', 'cameras']) db.prepare(`UPDATE ${table} SET active = 0`).run();
        const zone = db.prepare(
          'INSERT INTO zones (id, name, kind, active) VALUES (?, ?, ?, 1) ON CONFLICT(id) DO UPDATE SET name = excluded.name, kind = excluded.kind, active = 1',
        );
        for (const z of site.zones) zone.run(z.id, z.name, z.kind);
        const door = db.prepare(
          `INSERT INTO doors (id, name, from_zone, to_zone, active) VALUES (?, ?, ?, ?, 1)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, from_zone = excluded.from_zone, to_zone = excluded.to_zone, active = 1`,
        );
        for (const d of site.doors) door.run(d.id, d.name, d.from, d.to);
        const room = db.prepare(
          `INSERT INTO rooms (id, name, zone, capacity, shared, active) VALUES (?, ?, ?, ?, ?, 1)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, zone = excluded.zone, capacity = excluded.capacity, shared = excluded.shared, active = 1`,
        );
        for (const r of site.rooms) room.run(r.id, r.name, r.zone, r.capacity, r.shared ? 1 : 0);
        const camera = db.prepare(
          `INSERT INTO cameras (id, name, zones_json, active) VALUES (?, ?, ?, 1)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, zones_json = excluded.zones_json, active = 1`,
        );
        for (const c of site.cameras) camera.run(c.id, c.name, JSON.stringify(c.zones));
        return { hash, changed: true, version };
      })();
    },
    activeRoomIds(): string[] {
      return (db.prepare('SELECT id FROM rooms WHERE active = 1').all() as { id: string }[]).map((r) => r.id);
    },
  };
}

export type SiteRepo = ReturnType<typeof siteRepo>;
