/**
 * One timer for all of the recorder's periodic checks (each camera's stall check, the
 * free-space check), instead of a timer per camera and per check. Every wake-up of an
 * otherwise idle daemon costs CPU (about 0.15 ms on the 2-core benchmark machine), and
 * recording must cost next to nothing beyond ffmpeg's own stream copy. The timer runs
 * only while some check is registered.
 */
import type { Clock } from '../../src/clock.js';

/** How often to check for a stall limit of `stallMs`: twice per limit, within 0.2–5 s (a stall is caught within 1.5 limits). */
export function stallCheckPeriodMs(stallMs: number): number {
  return Math.min(5000, Math.max(200, Math.round(stallMs / 2)));
}

export class CheckTimer {
  private readonly checks = new Set<() => void>();
  private cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly periodMs: number,
  ) {}

  /** Runs `check` every period until the returned function is called. */
  every(check: () => void): () => void {
    this.checks.add(check);
    this.arm();
    return () => {
      this.checks.delete(check);
      if (this.checks.size === 0) {
        this.cancel?.();
        this.cancel = undefined;
      }
    };
  }

  private arm(): void {
    if (this.cancel || this.checks.size === 0) return;
    this.cancel = this.clock.setTimeout(() => {
      this.cancel = undefined;
      for (const check of [...this.checks]) check();
      this.arm();
    }, this.periodMs);
  }
}
