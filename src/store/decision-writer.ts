/**
 * Writes device decisions and access-state changes off the event loop. The access
 * engine sends door commands first and must not wait on SQLite before the next tap, so
 * what is queued within a few milliseconds goes to a worker thread as one batch and is
 * committed there in one transaction, in order. Under a steady stream of decisions the
 * batches are spaced out (group commit): a commit costs about as much CPU as a decision,
 * so at one per tap the commits would compete with the doors for the cores. A crash can
 * lose at most the batch being gathered, decisions whose commands already went out: the
 * last 4 ms of them, or 20 ms under a steady stream. Reception actions do not come here:
 * they are committed (with their audit record) before the API answers.
 *
 * Falls back to committing on the main thread (in the same batches) for an
 * in-memory database, or if the worker cannot start or dies; a batch the worker did not
 * acknowledge is then written again here, so nothing queued is lost.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { SnapshotPatch } from '../domain/access-snapshot.js';
import type { DecisionRecord } from './repos/decisions.js';
import type { Store } from './store.js';
import { workerModule } from '../worker-module.js';

export interface WriterInit {
  file: string;
}

export interface WriterBatch {
  id: number;
  at: number;
  rows: DecisionRecord[];
  patches: SnapshotPatch[];
}

export type WriterReply = { id: number; ok: true } | { id: number; ok: false; error: string } | { ready: true };

export interface DecisionWriter {
  /** Queues a decision record; committed with the rest of this event-loop turn's. */
  record(row: DecisionRecord): void;
  /** Queues a change to the saved access state. */
  patch(patch: SnapshotPatch): void;
  /** Resolves once the thread has the database open (or the writer fell back to the main thread). */
  ready(): Promise<void>;
  /** Resolves once everything queued so far is committed (or has failed, loudly). */
  settled(): Promise<void>;
  /** Commits what is queued and stops the thread. */
  close(): Promise<void>;
  readonly mode: 'worker' | 'inline';
  /** Batches that could not be written at all (each logged with its size). */
  readonly failedBatches: number;
  /** Batches handed over to be committed so far. */
  readonly batches: number;
}

export interface DecisionWriterOptions {
  store: Store;
  now: () => number;
  logger: Logger;
  /** Use a worker thread when the database is a file (default true). */
  thread?: boolean;
  /** The database file the thread opens (default: the store's). */
  file?: string;
  /** How long decisions gather before going to the thread as one batch (default 4 ms; 0: end of this event-loop turn). */
  batchWindowMs?: number;
  /** Least time from one batch to the next: under a steady stream, decisions gather this long (default 20 ms). */
  batchSpacingMs?: number;
}

/**
 * How long a new batch gathers: the window, stretched so that batches go at most once per
 * `spacingMs`. After a quiet spell a decision waits only the window; under a stream of them
 * each batch carries what came in since the last one (with a tap every 5 ms, four decisions
 * per commit instead of one). Times in ms on a monotonic clock; `lastSentAt` undefined: none yet.
 */
export function batchDelayMs(now: number, lastSentAt: number | undefined, windowMs: number, spacingMs: number): number {
  if (lastSentAt === undefined) return windowMs;
  return Math.max(windowMs, lastSentAt + spacingMs - now);
}

export function createDecisionWriter(o: DecisionWriterOptions): DecisionWriter {
  const log = o.logger.child({ component: 'decision-writer' });
  let queue: WriterBatch | undefined;
  let nextId = 1;
  let failedBatches = 0;
  let batches = 0;
  let lastSentAt: number | undefined;
  const unacked = new Map<number, { batch: WriterBatch; done: () => void; committed: Promise<void> }>();
  let worker: Worker | undefined;
  let markReady = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const commitInline = o.store.db.transaction((batch: WriterBatch) => {
    for (const row of batch.rows) o.store.decisions.record(row);
    for (const p of batch.patches) o.store.accessState.apply(p);
  });
  const writeInline = (batch: WriterBatch) => {
    try {
      commitInline(batch);
    } catch (err) {
      failedBatches += 1;
      // The doors already had their answers; a failed write is loud but must not undo them.
      log.error({ err, decisions: batch.rows.length }, 'could not record access decisions');
    }
  };

  const file = o.file ?? o.store.db.name;
  if ((o.thread ?? true) && file && file !== ':memory:') {
    try {
      const { url, execArgv } = workerModule(import.meta.url, 'decision-writer-worker');
      const init: WriterInit = { file };
      worker = new Worker(url, { workerData: init, execArgv });
      worker.unref();
      worker.on('message', (reply: WriterReply) => {
        if ('ready' in reply) {
          markReady();
          return;
        }
        const entry = unacked.get(reply.id);
        if (!entry) return;
        unacked.delete(reply.id);
        if (!reply.ok) {
          failedBatches += 1;
          log.error({ error: reply.error, decisions: entry.batch.rows.length }, 'could not record access decisions');
        }
        entry.done();
      });
      worker.on('error', (err) => fallBack(err));
      worker.on('exit', (code) => {
        if (worker) fallBack(new Error(`decision writer thread exited (${code})`));
      });
    } catch (err) {
      fallBack(err as Error);
    }
  }

  function fallBack(err: Error): void {
    if (!worker) return;
    worker = undefined;
    log.error({ err: err.message, unacknowledged: unacked.size }, 'decision writer thread failed; writing on the main thread');
    markReady();
    // A patch sets entries to values, so writing again a batch the thread may already have
    // committed (but not acknowledged), in order, leaves the state as decided.
    const pending = [...unacked.values()].sort((a, b) => a.batch.id - b.batch.id);
    unacked.clear();
    for (const { batch, done } of pending) {
      writeInline(batch);
      done();
    }
  }

  const send = (): void => {
    const batch = queue;
    queue = undefined;
    if (!batch) return;
    batches += 1;
    lastSentAt = performance.now();
    if (!worker) {
      writeInline(batch);
      return;
    }
    let done = () => {};
    const committed = new Promise<void>((resolve) => (done = resolve));
    unacked.set(batch.id, { batch, done, committed });
    // A string crosses to the thread as one copy; structured-cloning the object graph costs more.
    worker.postMessage(JSON.stringify(batch));
  };
  const windowMs = o.batchWindowMs ?? 4;
  const spacingMs = o.batchSpacingMs ?? 20;
  const enqueue = (): WriterBatch => {
    if (!queue) {
      queue = { id: nextId++, at: o.now(), rows: [], patches: [] };
      const delay = batchDelayMs(performance.now(), lastSentAt, windowMs, spacingMs);
      if (delay > 0) setTimeout(send, delay).unref();
      else setImmediate(send);
    }
    return queue;
  };

  if (!worker) markReady();

  return {
    ready: () => ready,
    get mode() {
      return worker ? 'worker' : 'inline';
    },
    get failedBatches() {
      return failedBatches;
    },
    get batches() {
      return batches;
    },
    record(row) {
      enqueue().rows.push(row);
    },
    patch(p) {
      enqueue().patches.push(p);
    },
    async settled() {
      send();
      await Promise.all([...unacked.values()].map((e) => e.committed));
    },
    async close() {
      await this.settled();
      const w = worker;
      worker = undefined;
      if (w) {
        const exited = new Promise((r) => w.once('exit', r));
        w.postMessage('close');
        await exited;
      }
    },
  };
}
