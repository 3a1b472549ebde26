/**
 * Alerts: raised -> acknowledged -> resolved with a note. Each alert is written to the
 * database before it is shown anywhere, so a restart loses none; an unacknowledged
 * alert escalates (sounder/strobe and manager topics over MQTT, a repeat on every
 * dashboard) after settings.alerts.escalateAfterSeconds and again every
 * repeatEverySeconds until someone acknowledges it. Sources: the access core's alert
 * effects (panic, forced, held open, tamper, device offline, possible meeting,
 * override), bursts of denials at a door, and a keep-apart person trying a door
 * toward the other.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { SettingsConfig } from '../config/schema.js';
import { ContactdError, ErrorCodes } from '../errors.js';
import type { AlertRecord } from '../store/repos/alerts.js';
import type { Store } from '../store/store.js';
import { DenialBurst } from './denial-burst.js';

/** Repeats of the same alert inside this window fold into one record. */
const DEDUPE_MS = 5 * 60_000;

export type RaiseAlert = Pick<AlertRecord, 'kind' | 'severity' | 'text' | 'source'> &
  Partial<Pick<AlertRecord, 'zoneId' | 'doorId'>> & {
    /** Alerts with the same key fold together while open; default kind + door/zone + source + text. */
    dedupeKey?: string;
  };

export interface AlertServiceDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
  settings: SettingsConfig['alerts'];
}

export function alertService(deps: AlertServiceDeps) {
  const { store, clock, bus, settings } = deps;
  const log = deps.logger.child({ component: 'alerts' });
  const timers = new Map<string, () => void>();
  const bursts = new DenialBurst(settings.denialBurstCount, settings.denialBurstSeconds * 1000);
  const unsubscribe: (() => void)[] = [];
  const hooks: ((alert: AlertRecord) => void)[] = [];

  const publish = (alert: AlertRecord) => bus.emit('alert', alert);

  const arm = (alert: AlertRecord, delayMs: number) => {
    timers.get(alert.id)?.();
    timers.set(
      alert.id,
      clock.setTimeout(() => escalate(alert.id), Math.max(0, delayMs)),
    );
  };

  const escalate = (id: string) => {
    timers.delete(id);
    const current = store.alerts.get(id);
    if (!current || current.acknowledgedAt !== undefined || current.resolvedAt !== undefined) return;
    const escalated = store.alerts.escalated(id, clock.now());
    log.warn({ alertId: id, kind: escalated.kind, escalations: escalated.escalations }, 'alert not acknowledged: escalating');
    bus.emit('alert-escalation', { alert: escalated, sounder: true });
    publish(escalated);
    arm(escalated, settings.repeatEverySeconds * 1000);
  };

  const quietSounderIfDone = () => {
    if (!store.alerts.unacknowledged().some((a) => a.escalatedAt !== undefined)) bus.emit('alert-escalation', { sounder: false });
  };

  const service = {
    /** Persists first, then shows and arms escalation. Repeats of an open alert fold into it. */
    raise(input: RaiseAlert): AlertRecord {
      const now = clock.now();
      // The text names the device or people concerned: two devices offline are two alerts, one device twice is one.
      const dedupeKey = input.dedupeKey ?? [input.kind, input.doorId ?? input.zoneId ?? '', input.source, input.text].join('|');
      const open = store.alerts.openByKey(dedupeKey, now - DEDUPE_MS);
      if (open) {
        const repeated = store.alerts.repeat(open.id, input.text);
        publish(repeated);
        return repeated;
      }
      const alert = store.db.transaction(() => {
        const a = store.alerts.insert({ ...input, dedupeKey, raisedAt: now });
        store.audit.append({ actor: input.source, action: 'alert.raise', subject: `alert:${a.id}`, details: { kind: a.kind, severity: a.severity, text: a.text } });
        return a;
      })();
      log.warn({ alertId: alert.id, kind: alert.kind, severity: alert.severity, text: alert.text }, 'alert raised');
      publish(alert);
      if (alert.severity !== 'info') arm(alert, settings.escalateAfterSeconds * 1000);
      for (const hook of hooks) {
        try {
          hook(alert);
        } catch (err) {
          log.error({ err, alertId: alert.id }, 'alert hook failed');
        }
      }
      return alert;
    },

    acknowledge(id: string, by: string): AlertRecord {
      const alert = store.alerts.get(id);
      if (!alert) throw new ContactdError(ErrorCodes.NOT_FOUND, `no alert ${id}`);
      if (alert.acknowledgedAt !== undefined) return alert;
      const acked = store.db.transaction(() => {
        const a = store.alerts.acknowledge(id, by, clock.now())!;
        store.audit.append({ actor: by, action: 'alert.acknowledge', subject: `alert:${id}` });
        return a;
      })();
      timers.get(id)?.();
      timers.delete(id);
      publish(acked);
      quietSounderIfDone();
      return acked;
    },

    resolve(id: string, by: string, note: string): AlertRecord {
      const alert = store.alerts.get(id);
      if (!alert) throw new ContactdError(ErrorCodes.NOT_FOUND, `no alert ${id}`);
      if (alert.resolvedAt !== undefined) throw new ContactdError(ErrorCodes.CONFLICT, 'the alert is already resolved');
      const resolved = store.db.transaction(() => {
        const a = store.alerts.resolve(id, by, note, clock.now())!;
        store.audit.append({ actor: by, action: 'alert.resolve', subject: `alert:${id}`, details: { note } });
        return a;
      })();
      timers.get(id)?.();
      timers.delete(id);
      publish(resolved);
      quietSounderIfDone();
      return resolved;
    },

    /** Called for every alert raised (evidence holds on the covering cameras). */
    onRaised(hook: (alert: AlertRecord) => void): void {
      hooks.push(hook);
    },

    start(): void {
      // After a restart: every unacknowledged alert escalates on its original schedule.
      const now = clock.now();
      for (const a of store.alerts.unacknowledged()) {
        if (a.severity === 'info') continue;
        const due = a.escalatedAt !== undefined ? a.escalatedAt + settings.repeatEverySeconds * 1000 : a.raisedAt + settings.escalateAfterSeconds * 1000;
        arm(a, due - now);
      }
      unsubscribe.push(
        bus.on('access-alert', (e) => {
          service.raise({ kind: e.kind, severity: e.severity, text: e.text, source: 'access', ...(e.zoneId ? { zoneId: e.zoneId } : {}), ...(e.doorId ? { doorId: e.doorId } : {}) });
        }),
        bus.on('lockdown', (l) => {
          store.alerts.recordLockdown(l.active, l.by, l.reason, l.at);
          if (l.active) {
            service.raise({ kind: 'lockdown', severity: 'critical', text: l.reason, source: 'access', dedupeKey: 'lockdown' });
            return;
          }
          const open = store.alerts.openByKey('lockdown', 0);
          if (open) service.resolve(open.id, 'system', `Lockdown lifted. ${l.reason}`);
        }),
        bus.on('access-decision', ({ decision }) => {
          if (!decision.doorId || (decision.outcome !== 'denied' && decision.outcome !== 'held')) return;
          if (decision.code === 'KEEP_APART_HOLD' && decision.personId) {
            service.raise({
              kind: 'keep-apart-attempt',
              severity: 'warning',
              text: decision.reason,
              source: 'access',
              doorId: decision.doorId,
              dedupeKey: `keep-apart-attempt|${decision.doorId}|${decision.personId}`,
            });
          }
          if (bursts.denied(decision.doorId, decision.at)) {
            service.raise({
              kind: 'denial-burst',
              severity: 'warning',
              text: `${settings.denialBurstCount} refused attempts at this door within ${settings.denialBurstSeconds} s (last: ${decision.reason})`,
              source: 'access',
              doorId: decision.doorId,
            });
          }
        }),
      );
    },

    stop(): void {
      for (const cancel of timers.values()) cancel();
      timers.clear();
      for (const u of unsubscribe.splice(0)) u();
    },
  };
  return service;
}

export type AlertService = ReturnType<typeof alertService>;
