/**
 * Login throttling: after a few failures for the same username or from the same
 * address, further attempts are refused for a lock-out that doubles each time.
 * In memory: a restart forgives, which is acceptable on a box in a locked cupboard.
 */
import type { Clock } from '../clock.js';

export interface ThrottleOptions {
  /** Failures allowed inside the window before a lock-out. */
  maxFailures: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  maxFailures: 5,
  windowMs: 15 * 60_000,
  baseLockMs: 60_000,
  maxLockMs: 60 * 60_000,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
  lockouts: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly options: ThrottleOptions = DEFAULT_THROTTLE,
  ) {}

  /** Milliseconds the caller must wait, or 0 when an attempt is allowed now. */
  retryAfter(keys: readonly string[]): number {
    const now = this.clock.now();
    return Math.max(0, ...keys.map((k) => (this.entries.get(k)?.lockedUntil ?? 0) - now));
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.clock.now();
    for (const key of keys) {
      const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0, lockouts: 0 };
      entry.failures = entry.failures.filter((t) => now - t < this.options.windowMs);
      entry.failures.push(now);
      if (entry.failures.length >= this.options.maxFailures) {
        const lock = Math.min(this.options.maxLockMs, this.options.baseLockMs * 2 ** entry.lockouts);
        entry.lockedUntil = now + lock;
        entry.lockouts += 1;
        entry.failures = [];
      }
      this.entries.set(key, entry);
    }
  }

  recordSuccess(keys: readonly string[]): void {
    for (const key of keys) this.entries.delete(key);
  }
}
