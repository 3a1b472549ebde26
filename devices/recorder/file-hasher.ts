/**
 * SHA-256 of closed segments on a worker thread shared by all cameras (hash-worker.ts).
 * If the thread cannot start or dies, hashing continues in-process (streamed, so the
 * event loop is not held for a whole file) and requests in flight are re-run.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { sha256OfFile } from '../../src/footage/file-hash.js';
import { workerModule } from '../../src/worker-module.js';

export interface HashRequest {
  id: number;
  file: string;
}

export type HashReply = { id: number; sha256: string; bytes: number } | { id: number; error: string };

export interface FileHash {
  sha256: string;
  bytes: number;
}

export class FileHasher {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly inFlight = new Map<number, { file: string; resolve: (h: FileHash) => void; reject: (e: Error) => void }>();

  constructor(private readonly logger: Logger) {
    try {
      const { url, execArgv } = workerModule(import.meta.url, 'hash-worker');
      const worker = new Worker(url, { execArgv });
      worker.unref();
      worker.on('message', (reply: HashReply) => this.onReply(reply));
      worker.on('error', (err) => this.fallBack(err));
      worker.on('exit', (code) => this.fallBack(new Error(`hashing thread exited (${code})`)));
      this.worker = worker;
    } catch (err) {
      this.fallBack(err as Error);
    }
  }

  get mode(): 'worker' | 'inline' {
    return this.worker ? 'worker' : 'inline';
  }

  hash(file: string): Promise<FileHash> {
    if (!this.worker) return sha256OfFile(file);
    const id = this.nextId++;
    return new Promise<FileHash>((resolve, reject) => {
      this.inFlight.set(id, { file, resolve, reject });
      this.worker!.postMessage({ id, file } satisfies HashRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.rerunInFlight();
    await w?.terminate();
  }

  private onReply(reply: HashReply): void {
    const entry = this.inFlight.get(reply.id);
    if (!entry) return;
    this.inFlight.delete(reply.id);
    if ('error' in reply) entry.reject(new Error(reply.error));
    else entry.resolve({ sha256: reply.sha256, bytes: reply.bytes });
  }

  private fallBack(err: Error): void {
    if (!this.worker) return;
    this.worker = undefined;
    this.logger.error({ err: err.message, inFlight: this.inFlight.size }, 'segment hashing thread failed; hashing on the main thread');
    this.rerunInFlight();
  }

  private rerunInFlight(): void {
    for (const [id, entry] of this.inFlight) {
      this.inFlight.delete(id);
      sha256OfFile(entry.file).then(entry.resolve, entry.reject);
    }
  }
}
