/**
 * The dashboards' live feed (docs/live.md): every change on the bus becomes a numbered
 * message; the last MAX_KEPT are held so a page that blinked off catches up from the
 * last number it saw, or is told to reload through REST when it missed more. Held in a
 * ring indexed by number: the feed is full from a day or two after start, and dropping
 * the oldest from the front of an array moved all 10,000 (75 µs per message, two or
 * three messages per door decision, on the event loop that answers the next tap).
 */
import type { EventBus } from '../bus.js';
import type { AccessEngine } from './access-engine.js';
import type { BookingView } from './bookings.js';
import { doorState } from '../domain/access-state.js';

export const MAX_KEPT = 10_000;

export interface LiveMessage {
  seq: number;
  type: 'decision' | 'door' | 'occupancy' | 'notice' | 'alert' | 'lockdown' | 'booking';
  at: number;
  data: unknown;
}

/** Receives each message and its JSON text (serialised once for every dashboard). */
export type LiveListener = (m: LiveMessage, json: string) => void;

export interface LiveFeedDeps {
  bus: EventBus;
  access: AccessEngine;
  now: () => number;
  /** Reads a booking as GET /api/bookings/:id does, for 'booking' messages (created, edited, cancelled at any desk). */
  booking?: (id: string) => BookingView | undefined;
  /** How many messages are held for catching up (default MAX_KEPT). */
  keep?: number;
}

export function liveFeed(deps: LiveFeedDeps) {
  const { bus, access } = deps;
  const keep = deps.keep ?? MAX_KEPT;
  /** Message n is at kept[n % keep]; the held ones are the last min(seq, keep) numbers. */
  const kept: LiveMessage[] = [];
  const listeners = new Set<LiveListener>();
  let seq = 0;
  const unsubscribe: (() => void)[] = [];

  const push = (type: LiveMessage['type'], at: number, data: unknown) => {
    const m: LiveMessage = { seq: ++seq, type, at, data };
    kept[seq % keep] = m;
    if (listeners.size === 0) return;
    const json = JSON.stringify(m);
    for (const l of listeners) {
      try {
        l(m, json);
      } catch {
        listeners.delete(l);
      }
    }
  };

  const doorMessage = (doorId: string, at: number) => {
    const d = doorState(access.state(), doorId);
    return { doorId, open: d.open, unlocked: d.unlockedUntil > at || d.hardwareUnlocked, unlockedUntil: d.unlockedUntil > at ? d.unlockedUntil : null };
  };

  return {
    start(): void {
      unsubscribe.push(
        bus.on('access-decision', ({ decision }) => {
          push('decision', decision.at, decision);
          if (decision.doorId) push('door', decision.at, doorMessage(decision.doorId, deps.now()));
        }),
        bus.on('occupancy', (e) => {
          const initials = access.state().ctx.initials?.[e.personId] ?? '?';
          push('occupancy', e.at, { personId: e.personId, initials, zones: e.zones });
        }),
        bus.on('reception-notice', (e) => push('notice', e.at, { kind: e.kind, text: e.text, doorId: e.doorId, personId: e.personId, until: e.until })),
        bus.on('alert', (a) => push('alert', deps.now(), a)),
        bus.on('lockdown', (l) => push('lockdown', l.at, l)),
        bus.on('bookings-changed', (e) => {
          // The whole booking (ids and initials only, no names), so every dashboard updates without a REST round trip.
          const booking = deps.booking?.(e.bookingId);
          if (booking) push('booking', deps.now(), { bookingId: e.bookingId, reason: e.reason, localDate: booking.localDate, booking });
        }),
      );
    },
    stop(): void {
      for (const u of unsubscribe.splice(0)) u();
      listeners.clear();
    },
    /** Messages after `since`; `resync` when some of them are no longer held. */
    since(since: number | undefined): { seq: number; resync: boolean; messages: LiveMessage[] } {
      if (since === undefined) return { seq, resync: false, messages: [] };
      const oldest = seq - Math.min(seq, keep) + 1;
      if (since < oldest - 1 || since > seq) return { seq, resync: true, messages: [] };
      const messages: LiveMessage[] = [];
      for (let n = since + 1; n <= seq; n++) messages.push(kept[n % keep]!);
      return { seq, resync: false, messages };
    },
    subscribe(listener: LiveListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type LiveFeed = ReturnType<typeof liveFeed>;
