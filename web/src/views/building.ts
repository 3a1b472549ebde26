/**
 * The building: each zone with who could be in it now (initials only, never full
 * names: this screen faces the front desk), and each door with its state and a
 * release button (the release dialog asks for a reason, shows keep-apart holds and
 * takes a manager's override).
 */
import { h, replaceChildrenKeepingFocus } from '../dom.js';
import { countdown, doorName, zoneName } from '../format.js';
import { can } from '../roles.js';
import { changedDoors, serverNow, state, type ChangeKind } from '../state.js';
import type { DoorView, Occupant } from '../types.js';
import { doorStateName, recentHold } from './door-status.js';
import { openReleaseDialog } from './release.js';

export function renderBuilding(root: HTMLElement): void {
  const site = state.site;
  if (!site) return;
  const byZone = new Map<string, Occupant[]>();
  for (const o of state.occupants.values()) for (const z of o.zones) (byZone.get(z) ?? byZone.set(z, []).get(z)!).push(o);
  const zones = site.zones.filter((z) => z.kind !== 'outside');
  replaceChildrenKeepingFocus(
    root,
    h('h1', { class: 'visually-hidden' }, 'The building'),
    h(
      'section',
      { 'aria-labelledby': 'zones-title', class: 'panel' },
      h('h2', { id: 'zones-title' }, 'Zones and who is in them'),
      h('p', { class: 'hint' }, 'Initials only. A dashed badge with "?" means the person could be in this zone or another.'),
      h('ul', { class: 'zones' }, zones.map((z) => zoneCard(z.id, z.name, byZone.get(z.id) ?? []))),
    ),
    h(
      'section',
      { 'aria-labelledby': 'doors-title', class: 'panel' },
      h('h2', { id: 'doors-title' }, 'Doors'),
      h(
        'table',
        { class: 'doors' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Door'), h('th', { scope: 'col' }, 'Joins'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
        h('tbody', {}, [...state.doors.values()].map(doorRow)),
      ),
    ),
  );
}

/** A change of door states alone repaints only those doors' rows (the live path the benchmark times). */
export function updateBuilding(root: HTMLElement, kinds: ReadonlySet<ChangeKind>): void {
  const doorsOnly = kinds.size === 1 && kinds.has('door');
  const rows = doorsOnly ? [...changedDoors].map((id) => [root.querySelector(`tr[data-door="${CSS.escape(id)}"]`), state.doors.get(id)] as const) : [];
  if (!doorsOnly || rows.some(([row, door]) => !row || !door)) return renderBuilding(root);
  for (const [row, door] of rows) {
    const focused = row!.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset['key'] : undefined;
    const fresh = doorRow(door!);
    row!.replaceWith(fresh);
    if (focused) fresh.querySelector<HTMLElement>(`[data-key="${CSS.escape(focused)}"]`)?.focus();
  }
}

function zoneCard(id: string, name: string, people: Occupant[]): HTMLElement {
  people.sort((a, b) => a.initials.localeCompare(b.initials));
  return h(
    'li',
    { class: 'zone', 'data-zone': id },
    h('h3', {}, name, h('span', { class: 'count' }, people.length ? ` (${people.length})` : '')),
    people.length === 0
      ? h('p', { class: 'empty' }, 'nobody')
      : h(
          'ul',
          { class: 'people' },
          people.map((p) => {
            const certain = p.zones.length === 1;
            const label = certain ? `${p.initials}, here` : `${p.initials}, could be here or in ${p.zones.filter((z) => z !== id).map(zoneName).join(' or ')}`;
            return h('li', { class: certain ? 'person' : 'person uncertain', 'data-person': p.personId, title: label, 'aria-label': label }, certain ? p.initials : `${p.initials}?`);
          }),
        ),
  );
}

function doorRow(door: DoorView): HTMLElement {
  const name = doorStateName(door);
  const now = serverNow();
  const hold = recentHold(door.id, now);
  const until = door.unlocked && door.unlockedUntil ? door.unlockedUntil : undefined;
  return h(
    'tr',
    { 'data-door': door.id, 'data-state': name },
    h('th', { scope: 'row' }, door.name),
    h('td', {}, `${zoneName(door.from)} ↔ ${zoneName(door.to)}`),
    h(
      'td',
      {},
      h('span', { class: `badge door-${name.replace(' ', '-')}` }, name),
      until ? h('span', { class: 'countdown', 'data-until': until }, ` ${countdown(until, now)}`) : null,
      state.lockdown.active ? h('span', { class: 'badge lockdown' }, 'lockdown') : null,
      hold ? h('p', { class: 'hold-text' }, h('strong', {}, 'Held: '), hold) : null,
    ),
    h(
      'td',
      {},
      can('POST /api/doors/:id/release')
        ? h('button', { type: 'button', class: 'secondary', 'data-key': `release-${door.id}`, 'aria-label': `Release ${doorName(door.id)}`, onclick: () => openReleaseDialog(door) }, 'Release…')
        : null,
    ),
  );
}
