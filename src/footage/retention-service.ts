/**
 * Runs the retention rules over the footage index: deletes files whose verdict says so,
 * marks their rows deleted, and audits every deletion (one audit record per batch,
 * naming each segment with its hash). When the disk is low, the oldest untagged footage
 * goes first, whatever its age; visit and held footage is never deleted for space.
 */
import { unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { FootageRepo, Segment } from '../store/repos/footage.js';
import type { Store } from '../store/store.js';
import { retentionVerdict, type CaseState, type RetentionSettings } from './retention.js';

export interface RetentionDeps {
  store: Store;
  footage: FootageRepo;
  clock: Clock;
  logger: Logger;
  settings: RetentionSettings;
  batchSize?: number;
  /** Remove a file (injectable so the benchmark can sweep an index without files). */
  removeFile?: (path: string) => Promise<void>;
}

export interface SweepResult {
  deleted: number;
  bytes: number;
  kept: number;
}

const DAY_MS = 86_400_000;

export function createRetention(d: RetentionDeps) {
  const batch = d.batchSize ?? 1000;
  const remove = d.removeFile ?? (async (p: string) => unlink(p).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e))));

  function caseLookup(): (bookingId: string) => CaseState | undefined {
    const cache = new Map<string, CaseState | undefined>();
    return (bookingId) => {
      if (cache.has(bookingId)) return cache.get(bookingId);
      const booking = d.store.bookings.get(bookingId);
      const c = booking ? d.store.cases.get(booking.caseId) : undefined;
      const state = c ? { status: c.status, ...(c.closedOn ? { closedOn: c.closedOn } : {}) } : undefined;
      cache.set(bookingId, state);
      return state;
    };
  }

  async function deleteSegments(segments: readonly { segment: Segment; reason: string }[], actor = 'system'): Promise<number> {
    const removed: { segment: Segment; reason: string }[] = [];
    for (const item of segments) {
      try {
        await remove(item.segment.path);
        removed.push(item);
      } catch (e) {
        d.logger.error({ segment: item.segment.id, err: (e as Error).message }, 'footage file could not be deleted; kept in the index');
      }
    }
    if (removed.length === 0) return 0;
    const bytes = removed.reduce((n, x) => n + x.segment.bytes, 0);
    // Index rows and their audit record commit together: no deletion goes unaudited.
    d.store.db.transaction(() => {
      for (const { segment, reason } of removed) d.footage.markDeleted(segment.id, reason);
      d.store.audit.append({
        actor,
        action: 'footage.delete',
        subject: 'footage',
        details: {
          count: removed.length,
          bytes,
          segments: removed.map(({ segment: s, reason }) => ({ id: s.id, cameraId: s.cameraId, startAt: s.startAt, endAt: s.endAt, sha256: s.sha256, reason })),
        },
      });
    })();
    return bytes;
  }

  return {
    /** One pass over everything due; returns what was deleted. */
    async sweep(): Promise<SweepResult> {
      const now = d.clock.now();
      const caseOf = caseLookup();
      const result: SweepResult = { deleted: 0, bytes: 0, kept: 0 };
      let after = { endAt: -1, id: 0 };
      for (;;) {
        const due = d.footage.untaggedEndingBefore(now - d.settings.untaggedDays * DAY_MS, batch, after);
        if (due.length === 0) break;
        const last = due[due.length - 1]!;
        after = { endAt: last.endAt, id: last.id };
        const verdicts = due.map((segment) => ({ segment, v: retentionVerdict(segment, [], caseOf, now, d.settings) }));
        const toDelete = verdicts.filter((x) => x.v.delete).map((x) => ({ segment: x.segment, reason: x.v.reason }));
        result.bytes += await deleteSegments(toDelete);
        result.deleted += toDelete.length;
        result.kept += due.length - toDelete.length;
      }
      // Visit footage: fewer rows; the rule needs each visit's case.
      const before = now - d.settings.visitDaysAfterCaseClosed * DAY_MS;
      let cursor = 0;
      for (;;) {
        const rows = d.footage.visitOnlyEndingBefore(before, batch, cursor);
        if (rows.length === 0) break;
        const toDelete: { segment: Segment; reason: string }[] = [];
        for (const { segment } of rows) {
          const v = retentionVerdict(segment, d.footage.tags(segment.id), caseOf, now, d.settings);
          if (v.delete) toDelete.push({ segment, reason: v.reason });
          else result.kept += 1;
        }
        result.bytes += await deleteSegments(toDelete);
        result.deleted += toDelete.length;
        cursor = rows[rows.length - 1]!.segment.id;
        if (rows.length < batch) break;
      }
      if (result.deleted > 0) d.logger.info(result, 'retention sweep');
      return result;
    },
    /** Disk low: delete the oldest untagged footage until `bytesWanted` are freed. */
    async freeSpace(bytesWanted: number): Promise<number> {
      let freed = 0;
      while (freed < bytesWanted) {
        const oldest = d.footage.untaggedEndingBefore(d.clock.now(), Math.min(batch, 50));
        if (oldest.length === 0) break;
        const pick: { segment: Segment; reason: string }[] = [];
        let planned = 0;
        for (const segment of oldest) {
          if (freed + planned >= bytesWanted) break;
          pick.push({ segment, reason: 'disk low: oldest untagged footage' });
          planned += segment.bytes;
        }
        const got = await deleteSegments(pick);
        if (got === 0 && pick.length > 0) break;
        freed += got;
      }
      return freed;
    },
  };
}

export type Retention = ReturnType<typeof createRetention>;
