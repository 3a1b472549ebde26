/**
 * Local-time maths for the site's timezone (DESIGN.md "Time": every window is in the
 * centre's local time; a day with a clock change has 23 or 25 hours). All instants are
 * epoch ms; local dates are 'YYYY-MM-DD', local times 'HH:MM'. Pure: no clock reads.
 */
import { DateTime } from 'luxon';

export type WeekdayKey = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

const WEEKDAYS: readonly WeekdayKey[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export const DEFAULT_TIMEZONE = 'Europe/London';

function inZone(at: number, tz: string): DateTime {
  return DateTime.fromMillis(at, { zone: tz });
}

/** The local calendar date of an instant. */
export function localDate(at: number, tz: string): string {
  return inZone(at, tz).toFormat('yyyy-MM-dd');
}

/** The local weekday of an instant, as used in opening hours and staff schedules. */
export function weekdayOf(at: number, tz: string): WeekdayKey {
  return WEEKDAYS[inZone(at, tz).weekday - 1]!;
}

/** 'HH:MM' local, for sentences a receptionist reads. */
export function formatLocalTime(at: number, tz: string): string {
  return inZone(at, tz).toFormat('HH:mm');
}

/**
 * The instant of a local wall-clock time on a local date. A time that does not exist
 * (skipped at the spring clock change) moves forward by the gap, as luxon does; an
 * ambiguous autumn time resolves to its first occurrence.
 */
export function localTimeToEpoch(date: string, hhmm: string, tz: string): number {
  const dt = DateTime.fromISO(`${date}T${hhmm}`, { zone: tz });
  if (!dt.isValid) throw new RangeError(`invalid local time ${date} ${hhmm} in ${tz}`);
  return dt.toMillis();
}

/** Start and end (exclusive) of a local day: 23, 24 or 25 hours long. */
export function localDayBounds(date: string, tz: string): { start: number; end: number } {
  const start = DateTime.fromISO(date, { zone: tz }).startOf('day');
  if (!start.isValid) throw new RangeError(`invalid local date ${date}`);
  return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
}

/** The local date `days` after `date` (calendar days, not 24-hour steps). */
export function addLocalDays(date: string, days: number, tz: string): string {
  return DateTime.fromISO(date, { zone: tz }).plus({ days }).toFormat('yyyy-MM-dd');
}

/** Minutes since local midnight, by the wall clock (so 10:30 is 630 on every day). */
export function wallClockMinutes(at: number, tz: string): number {
  const dt = inZone(at, tz);
  return dt.hour * 60 + dt.minute + dt.second / 60 + dt.millisecond / 60_000;
}

/** 'HH:MM' -> minutes since midnight. */
export function hhmmToMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** Local weekly intervals (opening hours, staff schedules): weekday -> [[HH:MM, HH:MM)]. */
export type WeeklyHours = Partial<Record<WeekdayKey, readonly (readonly [string, string])[]>>;

/** The intervals of `hours` on the local date of `date`, as epoch-ms [start, end). */
export function intervalsOnDate(hours: WeeklyHours, date: string, tz: string): [number, number][] {
  const { start } = localDayBounds(date, tz);
  const day = hours[weekdayOf(start, tz)] ?? [];
  return day.map(([from, to]) => [localTimeToEpoch(date, from, tz), localTimeToEpoch(date, to, tz)]);
}

/** Is the instant inside one of the weekly intervals (by the local wall clock)? */
export function withinWeeklyHours(hours: WeeklyHours, at: number, tz: string): boolean {
  return intervalsOnDate(hours, localDate(at, tz), tz).some(([s, e]) => at >= s && at < e);
}

/** Is [start, end] inside one single interval of the weekly hours on the start's local date? */
export function spanWithinWeeklyHours(hours: WeeklyHours, start: number, end: number, tz: string): boolean {
  return intervalsOnDate(hours, localDate(start, tz), tz).some(([s, e]) => start >= s && end <= e);
}
