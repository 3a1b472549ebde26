/**
 * The decision writer's thread: its own connection to the daemon's database (WAL lets
 * it write beside the main connection), one transaction per batch of device decisions
 * and access-state changes, acknowledged back so the main thread knows what is on disk.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabaseFile } from './db.js';
import type { WriterBatch, WriterInit, WriterReply } from './decision-writer.js';
import { decisionsRepo } from './repos/decisions.js';
import { accessStateRepo } from './repos/access-state.js';

const init = workerData as WriterInit;
const db = openDatabaseFile(init.file);
const decisions = decisionsRepo(db);
const accessState = accessStateRepo(db);

const commit = db.transaction((batch: WriterBatch): void => {
  for (const row of batch.rows) decisions.record(row);
  for (const patch of batch.patches) accessState.apply(patch);
});

parentPort!.postMessage({ ready: true } satisfies WriterReply);
parentPort!.on('message', (message: string) => {
  if (message === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  const batch = JSON.parse(message) as WriterBatch;
  let reply: WriterReply;
  try {
    commit(batch);
    reply = { id: batch.id, ok: true };
  } catch (err) {
    reply = { id: batch.id, ok: false, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
