/**
 * A door's state in reception's words: locked, unlocked, open, forced, held open,
 * offline. The live door message carries open/unlocked; forced, held-open and offline
 * come from the door's unresolved alerts (and `online` when the server reports it).
 */
import { state } from '../state.js';
import type { DoorView } from '../types.js';

export type DoorStateName = 'locked' | 'unlocked' | 'open' | 'forced' | 'held open' | 'offline';

function unresolvedAlert(doorId: string, kind: string): boolean {
  for (const a of state.alerts.values()) if (a.doorId === doorId && a.kind === kind && a.resolvedAt === undefined) return true;
  return false;
}

export function doorStateName(door: DoorView): DoorStateName {
  if (door.online === false || unresolvedAlert(door.id, 'device-offline')) return 'offline';
  if (door.open && unresolvedAlert(door.id, 'door-forced')) return 'forced';
  if (door.open && unresolvedAlert(door.id, 'door-held-open')) return 'held open';
  if (door.open) return 'open';
  if (door.unlocked) return 'unlocked';
  return 'locked';
}

/** A keep-apart hold on this door reported in the last two minutes (server time). */
export function recentHold(doorId: string, now: number): string | undefined {
  return state.notices.find((n) => n.kind === 'hold' && n.doorId === doorId && now - n.at < 120_000)?.text;
}
