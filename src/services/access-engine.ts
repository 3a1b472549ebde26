/**
 * The access engine: feeds every device event and reception action through the pure
 * access decision, then carries out its effects. Door commands go out first (the
 * decision path touches no disk before the unlock is sent); the decision record, the
 * audit entry and the live updates follow. The working set (credentials, the day's
 * movements, keep-apart pairs, staff) is reloaded when bookings or credentials change.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { AccessInput, Decision, Effect } from '../domain/access-types.js';
import { createAccessState, withContext, type AccessContext, type AccessState } from '../domain/access-state.js';
import { decide } from '../domain/decide.js';
import type { DeviceEvent, DoorCommand, DoorDriver } from '../domain/device-events.js';
import type { StaffRole } from '../domain/model.js';
import type { SiteIndex } from '../domain/site-index.js';
import { keepApartPairsOf } from '../domain/stagger.js';
import { anywhere } from '../domain/occupancy.js';
import type { Store } from '../store/store.js';
import { createDecisionWriter } from '../store/decision-writer.js';
import type { DecisionRecord } from '../store/repos/decisions.js';
import { snapshotOf, snapshotPatch } from '../domain/access-snapshot.js';

const HOUR = 3_600_000;
/** Movements loaded around now: a day's plan with margin on both sides. */
const LOOKBEHIND_MS = 14 * HOUR;
const LOOKAHEAD_MS = 24 * HOUR;
/** Reload the working set this often even without changes, so the window slides. */
const RELOAD_EVERY_MS = 10 * 60_000;

export interface AccessEngineDeps {
  store: Store;
  config: Readonly<Config>;
  site: SiteIndex;
  clock: Clock;
  bus: EventBus;
  logger: Logger;
}

export interface AccessOutcome {
  decision: Decision;
  effects: Effect[];
}

export function accessEngine(deps: AccessEngineDeps) {
  const { store, config, site, clock, bus } = deps;
  const log = deps.logger.child({ component: 'access' });
  const drivers: DoorDriver[] = [];
  /** Which drivers serve each door, by the kind of controller its readers use. */
  const driversByDoor = new Map<string, DoorDriver[]>();
  const unsubscribe: (() => void)[] = [];
  let cancelReload: (() => void) | undefined;

  const loadContext = (): AccessContext => {
    const now = clock.now();
    const bookings = store.bookings.listOverlapping(now - LOOKBEHIND_MS, now + LOOKAHEAD_MS);
    const cases = [...new Set(bookings.map((b) => b.caseId))].map((id) => store.cases.get(id)).filter((c) => c !== undefined);
    const people = store.people.list();
    const staff: Record<string, StaffRole[]> = {};
    for (const p of people) if (p.kind === 'staff') staff[p.id] = [];
    // Signed-in users act as staff: by their person record when linked, else by `user:<id>`.
    const initials: Record<string, string> = Object.fromEntries(people.map((p) => [p.id, p.initials]));
    for (const u of store.users.list()) {
      if (u.disabled) continue;
      const key = u.personId ?? `user:${u.id}`;
      (staff[key] ??= []).push(u.role);
      initials[key] ??= u.username;
    }
    return {
      site,
      planning: config.settings.planning,
      credentials: store.credentials.workingSet(now - 24 * HOUR),
      movements: store.bookings.movementsBetween(now - LOOKBEHIND_MS, now + LOOKAHEAD_MS),
      pairs: [...keepApartPairsOf(bookings, cases), ...store.cases.allKeepApart()],
      staff,
      initials,
    };
  };

  /**
   * What the core has learned (possible zones, doors, passages, lockdown) is saved after
   * each decision and restored at start, so a restart neither forgets who is inside nor
   * lifts a lockdown.
   */
  let stateLost = false;
  const restore = (fresh: AccessState): AccessState => {
    try {
      const snap = store.accessState.load();
      if (!snap) return fresh;
      log.info({ lockdown: snap.lockdown, people: Object.keys(snap.possible).length }, 'access state restored');
      return { ...fresh, ...snapshotOf(snap) };
    } catch (err) {
      // Fail secure: not knowing who is inside must not read as "nobody is inside". Everyone
      // booked around now is possibly anywhere (doors between keep-apart parents are held
      // until reception confirms whereabouts), and a lockdown still open in the alerts stands.
      stateLost = true;
      const people = [...fresh.ctx.movements.map((m) => m.personId), ...fresh.ctx.pairs.flatMap((p) => [p.a, p.b])];
      const lockdown = store.alerts.openByKey('lockdown', 0) !== undefined;
      log.error({ err, people: new Set(people).size, lockdown }, 'saved access state unreadable; whereabouts unknown, keep-apart doors held until reception confirms');
      const safe = { ...fresh, possible: anywhere(people, site), lockdown };
      try {
        // Saved over the unreadable rows, so the next start does not lose it again.
        store.accessState.replace(snapshotOf(safe));
      } catch (saveErr) {
        log.error({ err: saveErr }, 'could not save the access state over the unreadable one');
      }
      return safe;
    }
  };

  let state: AccessState = restore(createAccessState(loadContext()));
  const writer = createDecisionWriter({ store, now: () => clock.now(), logger: deps.logger });

  const reload = (why: string) => {
    state = withContext(state, loadContext());
    log.debug({ why }, 'access working set reloaded');
  };
  const scheduleReload = () => {
    cancelReload = clock.setTimeout(() => {
      reload('periodic');
      scheduleReload();
    }, RELOAD_EVERY_MS);
  };

  const send = (command: DoorCommand) => {
    const targets = command.type === 'lockdown' ? drivers : (driversByDoor.get(command.doorId) ?? []);
    if (targets.length === 0 && command.type !== 'lockdown') log.warn({ door: 'doorId' in command ? command.doorId : undefined }, 'no driver serves this door');
    for (const d of targets) d.execute(command);
  };

  /** Runs one input through the decision and carries out what it says. */
  const decideAndApply = (input: AccessInput): AccessOutcome => {
    const before = state;
    const result = decide(state, input, clock.now());
    state = result.state;
    // Hot path first: commands to the doors before any disk write (the MQTT driver puts them
    // on the wire before returning; the OSDP driver queues them for the bus's next turn).
    for (const e of result.effects) if (e.type === 'door') send(e.command);
    persist(result.decision, result.effects, input);
    const patch = snapshotPatch(before, state);
    if (patch) writer.patch(patch);
    bus.emit('access-decision', { decision: result.decision });
    if (before.lockdown !== state.lockdown) {
      const by = result.decision.actorIds?.join('+') ?? input.type;
      bus.emit('lockdown', { active: state.lockdown, by, reason: result.decision.reason, at: result.decision.at });
    }
    for (const e of result.effects) {
      if (e.type === 'alert') bus.emit('access-alert', { ...e, at: result.decision.at });
      else if (e.type === 'notify-reception') bus.emit('reception-notice', { ...e, at: result.decision.at });
      else if (e.type === 'occupancy') bus.emit('occupancy', { personId: e.personId, zones: e.zones, at: result.decision.at });
    }
    return { decision: result.decision, effects: result.effects };
  };

  /**
   * Device decisions go to the decision writer, which commits them off the event loop
   * after their commands went out, so SQLite is never on the next tap's path. Reception
   * actions (releases, overrides, whereabouts, lockdown) are committed here, with their
   * audit record, before the API answers.
   */
  const persist = (decision: Decision, effects: Effect[], input: AccessInput) => {
    const audited = effects.find((e) => e.type === 'audit');
    const row: DecisionRecord = {
      at: decision.at,
      ...(decision.doorId ? { doorId: decision.doorId } : {}),
      ...('readerId' in input ? { readerId: input.readerId } : {}),
      ...(decision.personId ? { personId: decision.personId } : {}),
      ...(decision.movementId ? { movementId: decision.movementId } : {}),
      outcome: decision.outcome,
      code: decision.code,
      reason: decision.reason,
      detail: { input: audited?.type === 'audit' ? audited.input : { type: input.type } },
    };
    if (isDeviceEvent(input)) {
      writer.record(row);
      return;
    }
    store.db.transaction(() => {
      store.decisions.record(row);
      store.audit.append({
        actor: `staff:${decision.actorIds?.join('+') ?? 'unknown'}`,
        action: `door.${input.type}`,
        ...(decision.doorId ? { subject: `door:${decision.doorId}` } : {}),
        details: { outcome: decision.outcome, code: decision.code, reason: decision.reason, input: audited?.type === 'audit' ? audited.input : {} },
      });
    })();
  };

  /**
   * Device events a driver reports while a decision is being carried out (a command of that
   * decision it could not send) wait until the decision is complete: decisions never interleave.
   */
  const waiting: { event: DeviceEvent; driver: string }[] = [];
  let deciding = false;
  const handleDeviceEvent = (event: DeviceEvent, driver: string) => {
    if (deciding) {
      waiting.push({ event, driver });
      return;
    }
    try {
      handle(event);
    } catch (err) {
      log.error({ err, event: event.type, driver }, 'access decision failed; the door stays locked');
    }
  };
  const handle = (input: AccessInput): AccessOutcome => {
    deciding = true;
    try {
      return decideAndApply(input);
    } finally {
      deciding = false;
      const next = waiting.shift();
      if (next) handleDeviceEvent(next.event, next.driver);
    }
  };

  return {
    /** Connect a driver: its events flow in, and it receives commands for the doors it serves. */
    attach(driver: DoorDriver, doorIds: readonly string[]): void {
      drivers.push(driver);
      for (const id of doorIds) driversByDoor.set(id, [...(driversByDoor.get(id) ?? []), driver]);
      unsubscribe.push(driver.onEvent((event: DeviceEvent) => handleDeviceEvent(event, driver.name)));
    },
    handle,
    /**
     * A reception action: decided, its commands sent, and its decision, audit record and
     * the access state it leaves committed before this resolves (a lockdown the API has
     * confirmed survives a crash the next moment).
     */
    async act(input: AccessInput): Promise<AccessOutcome> {
      const outcome = handle(input);
      await writer.settled();
      return outcome;
    },
    /** Resolves once every decision made so far is committed. */
    settled: (): Promise<void> => writer.settled(),
    reload,
    state: (): AccessState => state,
    async start(): Promise<void> {
      await writer.ready();
      if (stateLost) {
        const text = 'The saved access state could not be read at start, so contactd does not know who is inside. Everyone booked today is treated as possibly anywhere: doors between keep-apart parents stay held until you confirm each person\'s whereabouts from the cameras.';
        bus.emit('access-alert', { type: 'alert', kind: 'whereabouts-unknown', severity: 'critical', text, at: clock.now() });
      }
      unsubscribe.push(bus.on('bookings-changed', (e) => reload(`booking ${e.reason}`)));
      unsubscribe.push(bus.on('credentials-changed', (e) => reload(`credential ${e.reason}`)));
      scheduleReload();
    },
    async stop(): Promise<void> {
      cancelReload?.();
      for (const u of unsubscribe.splice(0)) u();
      await writer.close();
    },
  };
}

const RECEPTION_INPUTS = new Set(['reception-release', 'reception-override', 'confirm-whereabouts', 'lockdown']);
const isDeviceEvent = (input: AccessInput): boolean => !RECEPTION_INPUTS.has(input.type);

export type AccessEngine = ReturnType<typeof accessEngine>;
