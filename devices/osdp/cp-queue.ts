/**
 * The commands waiting for one PD, in the order the CP should send them: a door actuation
 * (osdp_OUT) ahead of reader feedback (LED, BUZ, TEXT), otherwise first come first served.
 * Each entry carries its bus-wide arrival number, so the bus can also pick across PDs
 * (cp-bus.ts): an OUT anywhere before feedback anywhere, then the oldest.
 */
import type { Command } from './messages/index.js';

export interface QueuedCommand {
  command: Command;
  /** Bus-clock ms after which the command must not be sent (dropped and reported instead). */
  notAfter?: number;
  /** A caller-side deadline check (e.g. on the domain clock), evaluated when the turn comes. */
  isExpired?: () => boolean;
  onDone?: (ok: boolean, detail: string) => void;
}

export interface QueueRank {
  actuation: boolean;
  order: number;
}

interface Entry {
  item: QueuedCommand;
  order: number;
}

const isActuation = (item: QueuedCommand): boolean => item.command.type === 'out';

export class CommandQueue {
  private readonly entries: Entry[] = [];

  get length(): number {
    return this.entries.length;
  }

  /** `order` is the bus-wide arrival number; an OUT overtakes the feedback already queued. */
  push(item: QueuedCommand, order: number): void {
    const entry = { item, order };
    const firstFeedback = isActuation(item) ? this.entries.findIndex((e) => !isActuation(e.item)) : -1;
    if (firstFeedback >= 0) this.entries.splice(firstFeedback, 0, entry);
    else this.entries.push(entry);
  }

  /** Puts a command that could not be completed back at the head (it was the next thing to say). */
  putBack(item: QueuedCommand): void {
    this.entries.unshift({ item, order: -1 });
  }

  shift(): QueuedCommand | undefined {
    return this.entries.shift()?.item;
  }

  /** The urgency of the head, for the bus to compare PDs. */
  headRank(): QueueRank | undefined {
    const head = this.entries[0];
    return head ? { actuation: isActuation(head.item), order: head.order } : undefined;
  }
}

/** True when `a` should go on the bus before `b`. */
export function ranksBefore(a: QueueRank, b: QueueRank | undefined): boolean {
  if (!b) return true;
  if (a.actuation !== b.actuation) return a.actuation;
  return a.order < b.order;
}
