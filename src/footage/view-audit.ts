/**
 * Which recorded-footage views have been audited already. A <video> fetches one segment
 * in many Range requests (the start, the MP4 index at the end, then the next bytes as it
 * plays or seeks); each would otherwise become an audit record. So a view is audited the
 * first time a session opens a segment of a visit, and again only once the entry has aged
 * past the session lifetime (a session cannot outlive it). Keys hold a hash of the
 * session's CSRF token, never the token. Bounded: the oldest entries go first.
 */
import { createHash } from 'node:crypto';

export interface ViewAuditOnceOptions {
  /** How long a first view covers later requests: the session lifetime. */
  ttlMs: number;
  /** Most entries kept (a busy day has a few thousand segment views). */
  max?: number;
  now: () => number;
}

export function viewAuditOnce(o: ViewAuditOnceOptions) {
  const max = o.max ?? 50_000;
  /** key -> time first audited; a Map keeps insertion order, so the oldest come first. */
  const seen = new Map<string, number>();

  const prune = (now: number) => {
    for (const [key, at] of seen) {
      if (now - at < o.ttlMs && seen.size <= max) break;
      seen.delete(key);
    }
  };

  return {
    /** True when this session has not yet viewed this segment of this visit (and records that it now has). */
    first(sessionSecret: string, bookingId: string, segmentId: number): boolean {
      const now = o.now();
      prune(now);
      const key = `${createHash('sha256').update(sessionSecret).digest('base64url').slice(0, 22)}|${bookingId}|${segmentId}`;
      const at = seen.get(key);
      if (at !== undefined && now - at < o.ttlMs) return false;
      seen.delete(key);
      seen.set(key, now);
      return true;
    },
    size: () => seen.size,
  };
}

export type ViewAuditOnce = ReturnType<typeof viewAuditOnce>;
