/**
 * Per-device counts of accepted and refused messages. The device key comes from
 * the wire (topic), so the number of keys is capped: a flood of made-up device ids
 * lands in one '(other)' bucket instead of growing memory.
 */
import type { RejectReason } from './payload.js';

export interface DeviceCounters {
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
}

export const OTHER_DEVICES = '(other)';

export class RejectionCounters {
  private readonly byDevice = new Map<string, DeviceCounters>();
  constructor(private readonly maxDevices = 500) {}

  accept(deviceId: string): void {
    this.entry(deviceId).accepted++;
  }

  reject(deviceId: string, reason: RejectReason): void {
    const rejected = this.entry(deviceId).rejected;
    rejected[reason] = (rejected[reason] ?? 0) + 1;
  }

  snapshot(): Record<string, DeviceCounters> {
    const out: Record<string, DeviceCounters> = {};
    for (const [k, v] of this.byDevice) out[k] = { accepted: v.accepted, rejected: { ...v.rejected } };
    return out;
  }

  private entry(deviceId: string): DeviceCounters {
    let e = this.byDevice.get(deviceId);
    if (!e) {
      const key = this.byDevice.size >= this.maxDevices ? OTHER_DEVICES : deviceId;
      e = this.byDevice.get(key) ?? { accepted: 0, rejected: {} };
      this.byDevice.set(key, e);
    }
    return e;
  }
}

/**
 * Which refusals get a log line: the first `burst` per device and reason in each window,
 * and the rest only counted, so that a device (or anyone on the broker) sending a flood of
 * bad messages cannot flood the log. The first line of the next window says how many were
 * not logged. Keys come from the wire: past `maxKeys` they share one bucket.
 */
export class RejectionLogGate {
  private readonly windows = new Map<string, { start: number; logged: number; quiet: number }>();
  constructor(
    private readonly burst = 5,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 1000,
  ) {}

  /** undefined: do not log this one; a number: log it, noting that many refusals left unlogged before it. */
  admit(deviceId: string, reason: RejectReason, now: number): number | undefined {
    let key = `${deviceId}\u0000${reason}`;
    if (!this.windows.has(key) && this.windows.size >= this.maxKeys) key = `${OTHER_DEVICES}\u0000${reason}`;
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      const quiet = w?.quiet ?? 0;
      this.windows.set(key, { start: now, logged: 1, quiet: 0 });
      return quiet;
    }
    if (w.logged < this.burst) {
      w.logged++;
      return 0;
    }
    w.quiet++;
    return undefined;
  }
}

/** Remembers the last `size` ids seen, to drop QoS 1 redeliveries and replays. */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly size = 512) {}

  /** True when the id is new (and records it). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.size) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}
