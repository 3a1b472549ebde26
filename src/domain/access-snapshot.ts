/**
 * The part of the access state that must survive a restart (possible zones, doors,
 * passages, lockdown, command counter), and the change one decision made to it. The
 * state is replaced, never mutated, so an unchanged entry is the same object: a patch
 * is found by comparing references, without serialising the whole state per decision.
 */
import type { AccessState } from './access-state.js';

export type AccessSnapshot = Pick<AccessState, 'possible' | 'doors' | 'passages' | 'lockdown' | 'seq'>;

type Maps = 'possible' | 'doors' | 'passages';
const MAPS: readonly Maps[] = ['possible', 'doors', 'passages'];

/** Changed entries per map (null = removed), plus lockdown and seq. */
export interface SnapshotPatch {
  set: Partial<Record<Maps, Record<string, unknown>>>;
  removed: Partial<Record<Maps, string[]>>;
  lockdown: boolean;
  seq: number;
}

export function snapshotOf(state: AccessSnapshot): AccessSnapshot {
  const { possible, doors, passages, lockdown, seq } = state;
  return { possible, doors, passages, lockdown, seq };
}

/** What changed from `before` to `after`; undefined when nothing did. */
export function snapshotPatch(before: AccessSnapshot, after: AccessSnapshot): SnapshotPatch | undefined {
  const patch: SnapshotPatch = { set: {}, removed: {}, lockdown: after.lockdown, seq: after.seq };
  let changed = before.lockdown !== after.lockdown || before.seq !== after.seq;
  for (const map of MAPS) {
    const a = before[map] as Readonly<Record<string, unknown>>;
    const b = after[map] as Readonly<Record<string, unknown>>;
    if (a === b) continue;
    for (const key in b) {
      const value = b[key];
      if (a[key] === value) continue;
      (patch.set[map] ??= {})[key] = value;
      changed = true;
    }
    for (const key in a) {
      if (key in b) continue;
      (patch.removed[map] ??= []).push(key);
      changed = true;
    }
  }
  return changed ? patch : undefined;
}
