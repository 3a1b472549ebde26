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
