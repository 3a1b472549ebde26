/**
 * A simulated lock relay with test helpers: `expectUnlock()` resolves when the relay
 * opens, `expectNoUnlock()` when it stays shut for a while. Timing of the relay
 * follows the simulator's Clock; the helpers' timeouts are real time (they are for
 * tests waiting on a real broker).
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../src/clock.js';
import { remember } from '../history.js';

export interface UnlockRecord {
  doorId: string;
  /** Command id (own dialect) or 'local' / 'opendoor' (esp-rfid). */
  cause: string;
  at: number;
  /** performance.now() when the relay opened, for latency measurements. */
  perfAt: number;
  /** performance.now() when the command that opened it reached the controller (perfAt for a local grant). */
  receivedPerfAt: number;
}

export class Relay extends EventEmitter<{ unlock: [UnlockRecord]; lock: [string] }> {
  readonly unlocks: UnlockRecord[] = [];
  private readonly open = new Map<string, () => void>();

  constructor(private readonly clock: Clock) {
    super();
  }

  isUnlocked(doorId: string): boolean {
    return this.open.has(doorId);
  }

  /**
   * Energise the relay for `seconds`; a second unlock while open restarts the timer.
   * `receivedPerfAt`: when the command reached the controller (performance.now()).
   */
  unlock(doorId: string, seconds: number, cause: string, receivedPerfAt?: number): void {
    this.open.get(doorId)?.();
    const cancel = this.clock.setTimeout(() => this.lock(doorId), seconds * 1000);
    this.open.set(doorId, cancel);
    const perfAt = performance.now();
    const record: UnlockRecord = { doorId, cause, at: this.clock.now(), perfAt, receivedPerfAt: receivedPerfAt ?? perfAt };
    remember(this.unlocks, record);
    this.emit('unlock', record);
  }

  lock(doorId: string): void {
    const cancel = this.open.get(doorId);
    if (!cancel) return;
    cancel();
    this.open.delete(doorId);
    this.emit('lock', doorId);
  }

  /** Resolves with the next unlock (of `doorId` if given); rejects after `timeoutMs`. */
  expectUnlock(doorId?: string, timeoutMs = 3000): Promise<UnlockRecord> {
    return new Promise((resolve, reject) => {
      const onUnlock = (r: UnlockRecord) => {
        if (doorId && r.doorId !== doorId) return;
        clearTimeout(timer);
        this.off('unlock', onUnlock);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.off('unlock', onUnlock);
        reject(new Error(`expected door ${doorId ?? '(any)'} to unlock within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('unlock', onUnlock);
    });
  }

  /** Resolves if no unlock (of `doorId` if given) happens within `ms`; rejects on one. */
  expectNoUnlock(doorId?: string, ms = 500): Promise<void> {
    return new Promise((resolve, reject) => {
      const onUnlock = (r: UnlockRecord) => {
        if (doorId && r.doorId !== doorId) return;
        clearTimeout(timer);
        this.off('unlock', onUnlock);
        reject(new Error(`door ${r.doorId} unlocked (cause ${r.cause}) but should have stayed locked`));
      };
      const timer = setTimeout(() => {
        this.off('unlock', onUnlock);
        resolve();
      }, ms);
      this.on('unlock', onUnlock);
    });
  }

  closeAll(): void {
    for (const doorId of [...this.open.keys()]) this.lock(doorId);
  }
}
