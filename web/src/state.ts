/**
 * The page's model of the centre: loaded through REST, then kept current by the live
 * channel's messages (docs/live.md). Views subscribe; changes are batched into one
 * render per task (a microtask), so a burst of messages repaints once, at once.
 */
import { api } from './api.js';
import type { AlertView, BookingChange, BookingView, DecisionView, DoorView, LiveMessage, LockdownView, NoticeView, Occupant, PersonView, SessionInfo, Site } from './types.js';

const MAX_NOTICES = 100;
const MAX_DECISIONS = 500;

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

export const state = {
  session: undefined as SessionInfo | undefined,
  site: undefined as Site | undefined,
  doors: new Map<string, DoorView>(),
  occupants: new Map<string, Occupant>(),
  alerts: new Map<string, AlertView>(),
  notices: [] as NoticeView[],
  decisions: [] as DecisionView[],
  lockdown: { active: false } as LockdownView,
  bookingsDate: '',
  bookings: [] as BookingView[],
  people: new Map<string, PersonView>(),
  live: 'connecting' as LiveStatus,
  /** Server clock minus page clock, from the `at` of live messages (the daemon may run a simulated clock). */
  clockOffsetMs: 0,
};

export const serverNow = (): number => Date.now() + state.clockOffsetMs;

/** Doors whose state changed since the last repaint: a door-only change repaints just their rows. */
export const changedDoors = new Set<string>();

/** What changed: a live message type, 'bookings', 'status', or 'all' (a reload). */
export type ChangeKind = LiveMessage['type'] | 'bookings' | 'status' | 'all';
type Listener = (kinds: ReadonlySet<ChangeKind>) => void;
const listeners = new Set<Listener>();
let pending = new Set<ChangeKind>();

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Views repaint only for the kinds they show (a door change does not redraw the timeline). */
export function changed(kind: ChangeKind = 'all'): void {
  const first = pending.size === 0;
  pending.add(kind);
  if (!first) return;
  queueMicrotask(() => {
    const kinds = pending;
    pending = new Set();
    for (const l of [...listeners]) l(kinds);
    changedDoors.clear();
  });
}

/** Hooks the alerts view uses to sound new alerts. */
export const alertHooks = new Set<(alert: AlertView, isNew: boolean) => void>();

export function applyMessage(m: LiveMessage): void {
  switch (m.type) {
    case 'door': {
      const d = m.data as Omit<DoorView, 'id' | 'name' | 'from' | 'to'> & { doorId: string };
      const door = state.doors.get(d.doorId);
      if (door) state.doors.set(d.doorId, { ...door, open: d.open, unlocked: d.unlocked, unlockedUntil: d.unlockedUntil, ...(d.online === undefined ? {} : { online: d.online }) });
      changedDoors.add(d.doorId);
      break;
    }
    case 'occupancy': {
      const o = m.data as Occupant;
      if (o.zones.length === 0) state.occupants.delete(o.personId);
      else state.occupants.set(o.personId, { personId: o.personId, initials: o.initials, zones: [...o.zones] });
      break;
    }
    case 'alert': {
      const a = m.data as AlertView;
      const isNew = !state.alerts.has(a.id);
      state.alerts.set(a.id, a);
      for (const hook of alertHooks) hook(a, isNew);
      break;
    }
    case 'lockdown':
      state.lockdown = m.data as LockdownView;
      break;
    case 'notice':
      state.notices.unshift({ ...(m.data as Omit<NoticeView, 'at'>), at: m.at });
      state.notices.length = Math.min(state.notices.length, MAX_NOTICES);
      break;
    case 'decision':
      addDecisions([m.data as DecisionView]);
      break;
    case 'booking':
      applyBooking((m.data as BookingChange).booking);
      changed('bookings');
      break;
  }
  changed(m.type);
}

/**
 * A booking as it is now (from the live channel or this desk's own request): shown when it
 * is booked on the day on screen, removed otherwise (cancelled, or moved to another day).
 */
export function applyBooking(b: BookingView): void {
  if (!state.bookingsDate) return;
  const others = state.bookings.filter((x) => x.id !== b.id);
  state.bookings = b.status === 'booked' && b.localDate === state.bookingsDate ? [...others, b] : others;
}

const decisionKey = (d: DecisionView) => `${d.at}|${d.doorId ?? ''}|${d.personId ?? ''}|${d.code}`;

function addDecisions(list: DecisionView[]): void {
  const seen = new Set(state.decisions.map(decisionKey));
  for (const d of list) if (!seen.has(decisionKey(d))) state.decisions.push(d);
  state.decisions.sort((a, b) => b.at - a.at);
  state.decisions.length = Math.min(state.decisions.length, MAX_DECISIONS);
}

const canRead = (route: string) => (state.session ? allowedRoutes.has(route) : false);
export const allowedRoutes = new Set<string>();

/** Reloads everything the role may read (first load, and after the live channel says resync). */
export async function loadAll(): Promise<void> {
  const tasks: Promise<void>[] = [];
  if (!state.site) tasks.push(api<Site>('GET', '/api/site').then((s) => void (state.site = s)));
  if (canRead('GET /api/doors')) tasks.push(loadDoors());
  if (canRead('GET /api/occupancy')) tasks.push(loadOccupancy());
  if (canRead('GET /api/alerts')) tasks.push(loadAlerts());
  if (canRead('GET /api/bookings')) tasks.push(loadBookings(state.bookingsDate || undefined));
  if (canRead('GET /api/decisions')) tasks.push(api<DecisionView[]>('GET', '/api/decisions?limit=500').then(addDecisions));
  if (canRead('GET /api/people')) tasks.push(loadPeople());
  await Promise.all(tasks);
  changed();
}

async function loadDoors(): Promise<void> {
  const doors = await api<(DoorView & { lockdown?: boolean })[]>('GET', '/api/doors');
  state.doors = new Map(doors.map((d) => [d.id, d]));
  if (doors[0]?.lockdown !== undefined && !state.lockdown.active && doors[0].lockdown) state.lockdown = { active: true };
}

async function loadOccupancy(): Promise<void> {
  const { zones } = await api<{ zones: Record<string, { personId: string; initials: string; certain: boolean }[]> }>('GET', '/api/occupancy');
  const occupants = new Map<string, Occupant>();
  for (const [zoneId, people] of Object.entries(zones)) {
    for (const p of people) {
      const o = occupants.get(p.personId) ?? { personId: p.personId, initials: p.initials, zones: [] };
      o.zones.push(zoneId);
      occupants.set(p.personId, o);
    }
  }
  state.occupants = occupants;
}

export async function loadAlerts(): Promise<void> {
  const body = await api<{ alerts: AlertView[]; lockdown?: LockdownView } | AlertView[]>('GET', '/api/alerts?state=all&limit=200');
  const list = Array.isArray(body) ? body : body.alerts;
  state.alerts = new Map(list.map((a) => [a.id, a]));
  if (!Array.isArray(body) && body.lockdown) state.lockdown = body.lockdown;
}

export async function loadBookings(date?: string): Promise<void> {
  const body = await api<{ date: string; bookings: BookingView[] }>('GET', `/api/bookings${date ? `?date=${encodeURIComponent(date)}` : ''}`);
  state.bookingsDate = body.date;
  state.bookings = body.bookings;
  changed('bookings');
}

async function loadPeople(): Promise<void> {
  const people = await api<PersonView[]>('GET', '/api/people');
  state.people = new Map(people.map((p) => [p.id, p]));
}

export function resetState(): void {
  state.session = undefined;
  state.doors.clear();
  state.occupants.clear();
  state.alerts.clear();
  state.notices = [];
  state.decisions = [];
  state.bookings = [];
  state.people.clear();
  allowedRoutes.clear();
}
