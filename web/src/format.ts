/** Times in the centre's own timezone (not the browser's), names of zones and doors. */
import { state } from './state.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(key: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const tz = state.site?.timezone ?? 'UTC';
  const k = `${tz}|${key}`;
  let f = formatters.get(k);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, ...options });
    formatters.set(k, f);
  }
  return f;
}

/** 14:05 in the centre's timezone. */
export const hhmm = (at: number): string => formatter('hm', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
export const hhmmss = (at: number): string => formatter('hms', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(at);

/** The UTC offset (ms) of the centre's timezone at an instant. */
function offsetAt(at: number): number {
  const parts = formatter('offset', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}

/** '2026-11-28' + '10:30' in the centre's timezone -> epoch ms (correct across clock changes). */
export function localToInstant(date: string, time: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, hh, mm);
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/** Epoch ms -> { date: 'YYYY-MM-DD', time: 'HH:MM' } in the centre's timezone. */
export function instantToLocal(at: number): { date: string; time: string } {
  const parts = formatter('iso', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

export const zoneName = (id: string | undefined): string => (id ? (state.site?.zones.find((z) => z.id === id)?.name ?? id) : '');
export const doorName = (id: string | undefined): string => (id ? (state.site?.doors.find((d) => d.id === id)?.name ?? id) : '');
export const roomName = (id: string): string => state.site?.rooms.find((r) => r.id === id)?.name ?? id;

/** Initials only: full names never reach a screen visitors can see. */
export function initialsOf(personId: string | undefined): string {
  if (!personId) return '';
  return state.occupants.get(personId)?.initials ?? state.people.get(personId)?.initials ?? '?';
}

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  child: 'child',
  'resident-parent': 'resident parent',
  'visiting-parent': 'visiting parent',
  'authorised-adult': 'authorised adult',
};

/** 3:07 (m:ss) until an instant; 0:00 once passed. */
export function countdown(until: number, now: number): string {
  const s = Math.max(0, Math.ceil((until - now) / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
