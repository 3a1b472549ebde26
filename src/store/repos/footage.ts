/**
 * The footage index: recorded segments, their tags (visit / evidence hold), evidence
 * holds that also cover segments not yet recorded, and recording gaps.
 */
import type { Db } from '../db.js';
import type { RecordedSegment } from '../../domain/segment.js';

export type SegmentInput = RecordedSegment;

export interface Segment extends SegmentInput {
  id: number;
}

export type TagKind = 'visit' | 'evidence-hold';

export interface SegmentTag {
  segmentId: number;
  kind: TagKind;
  refId: string;
}

export interface EvidenceHold {
  id: string;
  alertId?: string;
  zoneId?: string;
  cameraIds: string[];
  fromAt: number;
  toAt: number;
  reason: string;
}

export interface Gap {
  cameraId: string;
  fromAt: number;
  toAt: number;
  reason: string;
}

interface SegmentRow {
  id: number;
  camera_id: string;
  start_at: number;
  end_at: number;
  path: string;
  bytes: number;
  sha256: string;
  skew_ms: number;
}

const toSegment = (r: SegmentRow): Segment => ({
  id: r.id,
  cameraId: r.camera_id,
  startAt: r.start_at,
  endAt: r.end_at,
  path: r.path,
  bytes: r.bytes,
  sha256: r.sha256,
  skewMs: r.skew_ms,
});

export function footageRepo(db: Db, now: () => number) {
  const insertSegment = db.prepare(
    'INSERT INTO footage_segments (camera_id, start_at, end_at, path, bytes, sha256, skew_ms, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const overlapping = db.prepare(
    `SELECT * FROM footage_segments WHERE deleted_at IS NULL AND camera_id = ? AND start_at >= ? AND start_at < ? AND end_at > ? ORDER BY start_at`,
  );
  const overlappingIds = db.prepare(
    'SELECT id FROM footage_segments WHERE deleted_at IS NULL AND camera_id = ? AND start_at >= ? AND start_at < ? AND end_at > ? ORDER BY start_at',
  );
  const insertTag = db.prepare('INSERT OR IGNORE INTO footage_tags (segment_id, kind, ref_id, created_at) VALUES (?, ?, ?, ?)');
  const tagsOf = db.prepare('SELECT segment_id, kind, ref_id FROM footage_tags WHERE segment_id = ?');
  const markDeleted = db.prepare('UPDATE footage_segments SET deleted_at = ?, deleted_reason = ? WHERE id = ?');
  // Run on every segment close and every gap: prepared once.
  const holdsAfter = db.prepare('SELECT * FROM footage_holds WHERE to_at > ?');
  const insertGap = db.prepare('INSERT INTO footage_gaps (camera_id, from_at, to_at, reason) VALUES (?, ?, ?, ?)');
  // Keyset pagination on (end_at, id): tagged rows already passed over are not scanned again.
  const untagged = db.prepare(
    `SELECT s.* FROM footage_segments s WHERE s.deleted_at IS NULL AND s.end_at < ? AND (s.end_at > ? OR (s.end_at = ? AND s.id > ?))
     AND NOT EXISTS (SELECT 1 FROM footage_tags t WHERE t.segment_id = s.id) ORDER BY s.end_at, s.id LIMIT ?`,
  );
  // The longest segment bounds the start_at range scan of overlap queries.
  let longest = (db.prepare('SELECT COALESCE(MAX(end_at - start_at), 0) AS m FROM footage_segments').get() as { m: number }).m;

  const repo = {
    addSegment(s: SegmentInput): Segment {
      const id = Number(insertSegment.run(s.cameraId, s.startAt, s.endAt, s.path, s.bytes, s.sha256, s.skewMs, now()).lastInsertRowid);
      longest = Math.max(longest, s.endAt - s.startAt);
      return { id, ...s };
    },
    get(id: number): Segment | undefined {
      const r = db.prepare('SELECT * FROM footage_segments WHERE id = ? AND deleted_at IS NULL').get(id) as SegmentRow | undefined;
      return r ? toSegment(r) : undefined;
    },
    /** Live segments of one camera overlapping [from, to). */
    overlapping(cameraId: string, from: number, to: number): Segment[] {
      return (overlapping.all(cameraId, from - longest, to, from) as SegmentRow[]).map(toSegment);
    },
    /** Ids only, from the covering index (what tagging needs). */
    overlappingIds(cameraId: string, from: number, to: number): number[] {
      return (overlappingIds.all(cameraId, from - longest, to, from) as { id: number }[]).map((r) => r.id);
    },
    tag(segmentId: number, kind: TagKind, refId: string): void {
      insertTag.run(segmentId, kind, refId, now());
    },
    tagMany(segmentIds: readonly number[], kind: TagKind, refId: string): void {
      db.transaction(() => {
        for (const id of segmentIds) insertTag.run(id, kind, refId, now());
      })();
    },
    untagRef(kind: TagKind, refId: string): number {
      return db.prepare('DELETE FROM footage_tags WHERE kind = ? AND ref_id = ?').run(kind, refId).changes;
    },
    tags(segmentId: number): SegmentTag[] {
      return (tagsOf.all(segmentId) as { segment_id: number; kind: TagKind; ref_id: string }[]).map((r) => ({ segmentId: r.segment_id, kind: r.kind, refId: r.ref_id }));
    },
    /** Live segments tagged with this ref, in camera then time order. */
    segmentsTagged(kind: TagKind, refId: string): Segment[] {
      return (
        db
          .prepare(
            `SELECT s.* FROM footage_tags t JOIN footage_segments s ON s.id = t.segment_id
             WHERE t.kind = ? AND t.ref_id = ? AND s.deleted_at IS NULL ORDER BY s.camera_id, s.start_at`,
          )
          .all(kind, refId) as SegmentRow[]
      ).map(toSegment);
    },
    addHold(h: EvidenceHold): void {
      db.prepare(
        'INSERT OR REPLACE INTO footage_holds (id, alert_id, zone_id, camera_ids_json, from_at, to_at, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(h.id, h.alertId ?? null, h.zoneId ?? null, JSON.stringify(h.cameraIds), h.fromAt, h.toAt, h.reason, now());
    },
    /** Holds whose window reaches past `at` (they still catch newly closed segments). */
    holdsEndingAfter(at: number): EvidenceHold[] {
      const rows = holdsAfter.all(at) as {
        id: string;
        alert_id: string | null;
        zone_id: string | null;
        camera_ids_json: string;
        from_at: number;
        to_at: number;
        reason: string;
      }[];
      return rows.map((r) => ({
        id: r.id,
        ...(r.alert_id ? { alertId: r.alert_id } : {}),
        ...(r.zone_id ? { zoneId: r.zone_id } : {}),
        cameraIds: JSON.parse(r.camera_ids_json) as string[],
        fromAt: r.from_at,
        toAt: r.to_at,
        reason: r.reason,
      }));
    },
    addGap(g: Gap): void {
      insertGap.run(g.cameraId, g.fromAt, g.toAt, g.reason);
    },
    gaps(cameraId: string, from: number, to: number): Gap[] {
      return (
        db.prepare('SELECT * FROM footage_gaps WHERE camera_id = ? AND from_at < ? AND to_at > ? ORDER BY from_at').all(cameraId, to, from) as {
          camera_id: string;
          from_at: number;
          to_at: number;
          reason: string;
        }[]
      ).map((r) => ({ cameraId: r.camera_id, fromAt: r.from_at, toAt: r.to_at, reason: r.reason }));
    },
    /** Untagged live segments that ended before `before`, oldest first; `after` continues from a previous page. */
    untaggedEndingBefore(before: number, limit: number, after: { endAt: number; id: number } = { endAt: -1, id: 0 }): Segment[] {
      return (untagged.all(before, after.endAt, after.endAt, after.id, limit) as SegmentRow[]).map(toSegment);
    },
    /** Live segments carrying visit tags and no evidence hold, ended before `before`, with their booking ids; paged by id. */
    visitOnlyEndingBefore(before: number, limit: number, afterId = 0): { segment: Segment; bookingIds: string[] }[] {
      const rows = db
        .prepare(
          `SELECT s.*, GROUP_CONCAT(t.ref_id, char(31)) AS refs FROM footage_segments s JOIN footage_tags t ON t.segment_id = s.id
           WHERE s.deleted_at IS NULL AND s.end_at < ? AND s.id > ?
           GROUP BY s.id HAVING SUM(t.kind = 'evidence-hold') = 0 ORDER BY s.id LIMIT ?`,
        )
        .all(before, afterId, limit) as (SegmentRow & { refs: string })[];
      return rows.map((r) => ({ segment: toSegment(r), bookingIds: r.refs.split('\u001f') }));
    },
    markDeleted(id: number, reason: string): void {
      markDeleted.run(now(), reason, id);
    },
    countLive(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM footage_segments WHERE deleted_at IS NULL').get() as { n: number }).n;
    },
  };
  return repo;
}

export type FootageRepo = ReturnType<typeof footageRepo>;
