/**
 * What a simulator remembers of its traffic (commands, requests, acks, unlocks), for tests
 * and the demo to inspect. Bounded: a simulator polled flat out, or one the demo runs for
 * days, would otherwise grow the heap without end (and every young-generation GC would copy
 * the log, stalling the event loop it shares with the daemon in tests and the demo).
 */
const HISTORY = 1000;

/** Appends `entry`, keeping at least the newest HISTORY entries (trimmed in batches, not per entry). */
export function remember<T>(log: T[], entry: T): void {
  log.push(entry);
  if (log.length > 2 * HISTORY) log.splice(0, log.length - HISTORY);
}
