/**
 * The one source of "now" for every time-dependent piece of contactd.
 * The live daemon uses the system clock; the simulators and property tests drive a
 * ManualClock so the same domain code runs a real day, a 60x simulated day, or a test.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Run `fn` after `ms` of this clock's time; returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock that moves only when told to; timers fire in time order as it advances. */
export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;

  constructor(start: number | Date = 0) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Move forward by `ms`, firing due timers in order (a timer may schedule more). */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(target: number): void {
    if (target < this.current) throw new RangeError('ManualClock cannot go backwards');
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }
}

/**
 * A clock that runs `speed` times faster than real time from a chosen start,
 * for the whole-day simulator and the demo.
 */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  constructor(
    private readonly start: number,
    private readonly speed: number,
  ) {}

  now(): number {
    return this.start + (Date.now() - this.realStart) * this.speed;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const t = setTimeout(fn, Math.max(0, ms / this.speed));
    return () => clearTimeout(t);
  }
}
