import { describe, expect, it } from 'vitest';
import {
  formatLocalTime,
  intervalsOnDate,
  localDate,
  localDayBounds,
  localTimeToEpoch,
  weekdayOf,
  withinWeeklyHours,
} from '../../src/domain/local-time.js';

const TZ = 'Europe/London';
const H = 3_600_000;

describe('local time in Europe/London', () => {
  it('has a 23-hour day at the spring clock change and a 25-hour day in autumn', () => {
    const spring = localDayBounds('2027-03-28', TZ);
    const autumn = localDayBounds('2026-10-25', TZ);
    const plain = localDayBounds('2026-12-05', TZ);
    expect(spring.end - spring.start).toBe(23 * H);
    expect(autumn.end - autumn.start).toBe(25 * H);
    expect(plain.end - plain.start).toBe(24 * H);
  });

  it('maps wall-clock times to the right UTC instant on both sides of a change', () => {
    expect(new Date(localTimeToEpoch('2027-03-27', '10:30', TZ)).toISOString()).toBe('2027-03-27T10:30:00.000Z');
    expect(new Date(localTimeToEpoch('2027-03-28', '10:30', TZ)).toISOString()).toBe('2027-03-28T09:30:00.000Z');
    expect(formatLocalTime(Date.parse('2027-03-28T09:30:00Z'), TZ)).toBe('10:30');
    expect(localDate(Date.parse('2026-06-30T23:30:00Z'), TZ)).toBe('2026-07-01');
    expect(weekdayOf(Date.parse('2026-12-05T12:00:00Z'), TZ)).toBe('sat');
  });

  it('moves a skipped spring time forward', () => {
    expect(new Date(localTimeToEpoch('2027-03-28', '01:30', TZ)).toISOString()).toBe('2027-03-28T01:30:00.000Z');
  });

  it('places weekly hours by the local wall clock on a clock-change day', () => {
    const hours = { sun: [['10:00', '16:00']] as [string, string][] };
    const [[s, e]] = intervalsOnDate(hours, '2027-03-28', TZ) as [[number, number]];
    expect(new Date(s).toISOString()).toBe('2027-03-28T09:00:00.000Z');
    expect(e - s).toBe(6 * H);
    expect(withinWeeklyHours(hours, Date.parse('2027-03-28T09:30:00Z'), TZ)).toBe(true);
    expect(withinWeeklyHours(hours, Date.parse('2027-03-28T08:30:00Z'), TZ)).toBe(false);
  });
});
