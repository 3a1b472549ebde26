/**
 * Which visitor cards each esp-rfid controller should hold offline, so a booked visitor
 * still gets in while the daemon or broker is down (issue 4). The firmware decides
 * those taps itself, without the daemon's live keep-apart holds, so what is pushed is
 * kept as narrow as the plan allows: per card only its next movement window through
 * that door (already checked by the day planner), and never a released departure
 * (`after`), whose validity depends on the other party having left.
 */
import type { Credential, Movement } from '../domain/model.js';
import type { CredentialEntry } from '../../devices/mqtt-door/credential-sync.js';

export function offlineEntriesForDoor(
  doorId: string,
  movements: readonly Movement[],
  credentials: readonly Credential[],
  initials: Readonly<Record<string, string>>,
  now: number,
): CredentialEntry[] {
  const cards = credentials.filter((c) => c.kind === 'card' && c.bookingId && c.revokedAt === undefined);
  const next = new Map<string, CredentialEntry>();
  for (const m of movements) {
    if (m.doorId !== doorId || m.after || m.windowEnd <= now) continue;
    for (const c of cards) {
      if (c.personId !== m.personId || c.bookingId !== m.bookingId) continue;
      const current = next.get(c.value);
      if (current && current.validFrom <= m.windowStart) continue;
      next.set(c.value, { uid: c.value, user: initials[c.personId] ?? 'Visitor', validFrom: m.windowStart, validUntil: m.windowEnd });
    }
  }
  return [...next.values()].sort((a, b) => a.uid.localeCompare(b.uid));
}
