/**
 * Today: every booking of the day with each person's planned movements on a time
 * track and their live status (expected, waiting at the door, on site in zone X, late,
 * left), countdowns for held departures, and every refusal or hold of the day with its
 * plain-language reason. People appear by initials and their role in the visit. The
 * roles that may see recorded footage get a Footage button on each visit.
 */
import { h, replaceChildrenKeepingFocus } from '../dom.js';
import { countdown, doorName, hhmm, initialsOf, ROLE_LABELS, roomName, zoneName } from '../format.js';
import type { View } from '../main.js';
import { serverNow, state } from '../state.js';
import type { BookingView, MovementView } from '../types.js';
import { can } from '../roles.js';
import { openFootage } from './footage.js';

type StatusKind = 'expected' | 'waiting' | 'on-site' | 'late' | 'left';

const WAITING_FRESH_MS = 10 * 60_000;

function grantedMovements(): Set<string> {
  const done = new Set<string>();
  for (const d of state.decisions) if (d.outcome === 'granted' && d.movementId) done.add(d.movementId);
  return done;
}

function onSiteZones(personId: string): string[] {
  const zones = state.occupants.get(personId)?.zones ?? [];
  return zones.filter((z) => state.site?.zones.find((s) => s.id === z)?.kind !== 'outside');
}

export function personStatus(personId: string, movements: MovementView[], done: Set<string>, now: number): { kind: StatusKind; text: string } {
  const zones = onSiteZones(personId);
  const mine = movements.filter((m) => m.personId === personId).sort((a, b) => a.windowStart - b.windowStart);
  const departed = mine.some((m) => m.purpose === 'departure' && done.has(m.id));
  if (departed && zones.length === 0) return { kind: 'left', text: 'left' };
  if (zones.length > 0) return { kind: 'on-site', text: `on site: ${zones.map(zoneName).join(' or ')}` };
  const refused = state.decisions.find((d) => d.personId === personId && (d.outcome === 'held' || d.outcome === 'denied') && now - d.at < WAITING_FRESH_MS);
  if (refused) return { kind: 'waiting', text: `waiting at ${doorName(refused.doorId)}` };
  const first = mine.find((m) => m.purpose === 'arrival');
  if (first && now > first.windowEnd && !mine.some((m) => done.has(m.id))) return { kind: 'late', text: `late (due by ${hhmm(first.windowEnd)})` };
  return { kind: 'expected', text: first ? `expected ${hhmm(first.windowStart)}` : 'expected' };
}

/** Overlapping windows (a parent's gate, front door and waiting-room door) go on separate lanes. */
function lanes(mine: MovementView[]): number[] {
  const ends: number[] = [];
  return mine.map((m) => {
    let lane = ends.findIndex((end) => end <= m.windowStart);
    if (lane < 0) lane = ends.push(0) - 1;
    ends[lane] = m.windowEnd;
    return lane;
  });
}

const LANE_REM = 1.25;

function track(mine: MovementView[], done: Set<string>, from: number, to: number, now: number): HTMLElement {
  const pct = (t: number) => `${(((t - from) / (to - from)) * 100).toFixed(2)}%`;
  const laneOf = lanes(mine);
  const height = (Math.max(...laneOf) + 1) * LANE_REM + 0.4;
  return h(
    'div',
    { class: 'track', role: 'list', style: `height:${height}rem` },
    mine.map((m, i) => {
      const state_ = done.has(m.id) ? 'done' : now > m.windowEnd ? 'missed' : '';
      const door = m.doorName ?? doorName(m.doorId);
      const label = `${m.purpose} through ${door} to ${m.toZoneName ?? zoneName(m.toZone)}, ${hhmm(m.windowStart)} to ${hhmm(m.windowEnd)}${state_ === 'done' ? ', done' : state_ === 'missed' ? ', not seen' : ''}`;
      const style = `left:${pct(m.windowStart)};width:${pct(from + (m.windowEnd - m.windowStart))};top:${0.2 + laneOf[i]! * LANE_REM}rem`;
      return h('span', { class: `seg ${state_}`, 'data-movement': m.id, role: 'listitem', title: label, 'aria-label': label, style }, `${hhmm(m.windowStart)} ${door}`);
    }),
    now > from && now < to ? h('span', { class: 'now-line', 'aria-hidden': 'true', style: `left:${pct(now)}` }) : null,
  );
}

/** Time labels every half hour above the tracks. */
function axis(from: number, to: number): HTMLElement {
  const step = 30 * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) ticks.push(t);
  return h(
    'div',
    { class: 'person-row axis', 'aria-hidden': 'true' },
    h('div'),
    h('div'),
    h('div', { class: 'axis-track' }, ticks.map((t) => h('span', { style: `left:${(((t - from) / (to - from)) * 100).toFixed(2)}%` }, hhmm(t)))),
  );
}

function departureCountdown(personId: string, mine: MovementView[], now: number): HTMLElement | null {
  const notice = state.notices.find((n) => n.kind === 'release-countdown' && n.personId === personId && n.until !== undefined && n.until > now);
  if (notice?.until) return h('p', { class: 'hint' }, 'may leave in ', h('strong', { class: 'countdown', 'data-until': notice.until }, ` ${countdown(notice.until, now)}`));
  const held = mine.find((m) => m.purpose === 'departure' && m.after);
  if (held?.after) return h('p', { class: 'hint' }, `leaves ${Math.round(held.after.gapMs / 60_000)} min after ${initialsOf(held.after.personId)} has gone`);
  return null;
}

function bookingCard(b: BookingView, done: Set<string>, now: number): HTMLElement {
  const all = b.movements;
  const from = Math.min(b.start, ...all.map((m) => m.windowStart)) - 10 * 60_000;
  const to = Math.max(b.end, ...all.map((m) => m.windowEnd)) + 10 * 60_000;
  return h(
    'li',
    { class: `booking ${b.status}`, 'data-booking': b.id },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', {}, `${hhmm(b.start)}–${hhmm(b.end)} · ${roomName(b.roomId)} · ${b.serviceType}`, b.status === 'cancelled' ? ' · CANCELLED' : ''),
      can('GET /api/bookings/:id/footage') ? h('button', { type: 'button', class: 'secondary', 'data-key': `today-footage-${b.id}`, onclick: () => openFootage(b) }, 'Footage') : null,
    ),
    axis(from, to),
    b.participants.map((p) => {
      const mine = all.filter((m) => m.personId === p.personId).sort((x, y) => x.windowStart - y.windowStart);
      const status = personStatus(p.personId, all, done, now);
      return h(
        'div',
        { class: 'person-row', 'data-person': p.personId },
        h('div', {}, h('strong', {}, initialsOf(p.personId)), ` ${ROLE_LABELS[p.role] ?? p.role}`),
        h('div', {}, h('span', { class: `status ${status.kind}`, 'data-status': status.kind }, status.text), departureCountdown(p.personId, mine, now)),
        mine.length ? track(mine, done, from, to, now) : h('p', { class: 'hint' }, 'no planned movements'),
      );
    }),
  );
}

function render(root: HTMLElement): void {
  const now = serverNow();
  const done = grantedMovements();
  const bookings = [...state.bookings].sort((a, b) => a.start - b.start);
  const refusals = state.decisions.filter((d) => d.outcome === 'denied' || d.outcome === 'held').slice(0, 100);
  const waiting = state.notices.filter((n) => n.until !== undefined && n.until > now);
  replaceChildrenKeepingFocus(
    root,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'today-title' },
      h('div', { class: 'panel-head' }, h('h1', { id: 'today-title' }, `Today${state.bookingsDate ? `, ${state.bookingsDate}` : ''}`), h('p', { class: 'hint' }, `centre time ${hhmm(now)}`)),
      bookings.length === 0 ? h('p', { class: 'empty' }, 'No bookings today.') : h('ol', { class: 'timeline-day', style: 'list-style:none;margin:0;padding:0' }, bookings.map((b) => bookingCard(b, done, now))),
    ),
    h(
      'div',
      { class: 'two-col' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'countdowns-title' },
        h('h2', { id: 'countdowns-title' }, 'Held departures and countdowns'),
        waiting.length === 0
          ? h('p', { class: 'empty' }, 'Nobody is being held.')
          : h('ul', { class: 'feed' }, waiting.map((n) => h('li', {}, h('span', { class: 'countdown', 'data-until': n.until! }, ` ${countdown(n.until!, now)}`), ' ', n.text))),
      ),
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'refusals-title' },
        h('h2', { id: 'refusals-title' }, 'Refused or held at a door, and why'),
        refusals.length === 0
          ? h('p', { class: 'empty' }, 'No refusals today.')
          : h(
              'ul',
              { class: 'feed', 'data-feed': 'refusals' },
              refusals.map((d) =>
                h('li', {}, h('span', { class: 'time' }, hhmm(d.at)), h('strong', {}, `${d.outcome === 'held' ? 'Held' : 'Refused'} at ${doorName(d.doorId)}`), d.personId ? ` (${initialsOf(d.personId)})` : '', `: ${d.reason}`),
              ),
            ),
      ),
    ),
  );
}

export const todayView: View = { id: 'today', label: 'Today', needs: 'GET /api/bookings', shows: ['decision', 'occupancy', 'notice', 'bookings'], mount: render, update: render };
