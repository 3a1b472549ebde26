/**
 * The in-process event bus between the daemon's parts (zigbee2mqtt's eventBus idea):
 * typed events, listeners removed by the function `on` returns. A throwing listener is
 * logged by the emitter's caller and never stops the others.
 */
import { EventEmitter } from 'node:events';
import type { Decision, Effect } from './domain/access-types.js';
import type { AlertRecord } from './store/repos/alerts.js';

export interface BusEvents {
  /** Bookings, movements or credentials changed: the access engine reloads its working set. */
  'bookings-changed': { bookingId: string; reason: string };
  'credentials-changed': { credentialId: string; reason: string };
  /** Every access decision, as made (the dashboard's live feed). */
  'access-decision': { decision: Decision };
  'access-alert': Extract<Effect, { type: 'alert' }> & { at: number };
  'reception-notice': Extract<Effect, { type: 'notify-reception' }> & { at: number };
  'occupancy': { personId: string; zones: readonly string[]; at: number };
  /** An alert was raised or changed (ack, resolve, escalation, repeat); already persisted. */
  'alert': AlertRecord;
  /** Drive the sounder/strobe and tell managers: `alert` present when escalating, sounder false to silence. */
  'alert-escalation': { alert?: AlertRecord; sounder: boolean };
  'lockdown': { active: boolean; by: string; reason: string; at: number };
}

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly onListenerError: (err: unknown, event: string) => void;

  constructor(onListenerError: (err: unknown, event: string) => void = () => undefined) {
    this.emitter.setMaxListeners(100);
    this.onListenerError = onListenerError;
  }

  on<K extends keyof BusEvents>(event: K, listener: (payload: BusEvents[K]) => void): () => void {
    const wrapped = (payload: BusEvents[K]) => {
      try {
        listener(payload);
      } catch (err) {
        this.onListenerError(err, event);
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  emit<K extends keyof BusEvents>(event: K, payload: BusEvents[K]): void {
    this.emitter.emit(event, payload);
  }
}
