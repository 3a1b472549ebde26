/**
 * Bookings: a day's visits (edit, cancel with a reason, copy into the form, watch the
 * footage), and the form to book one or move one. The server plans and checks every
 * booking and every move; a refusal comes back with its reasons, the planner's
 * keep-apart conflicts and the nearest safe start, all shown in the form, with a button
 * that moves the visit to the proposed time. Times are the centre's local time. Names
 * appear only in the person pickers (staff need them to book); the list shows initials.
 */
import { ApiError, api } from '../api.js';
import { formValues, h, openDialog, replaceChildrenKeepingFocus } from '../dom.js';
import { hhmm, initialsOf, instantToLocal, localToInstant, ROLE_LABELS, roomName } from '../format.js';
import type { View } from '../main.js';
import { can } from '../roles.js';
import { loadBookings, state } from '../state.js';
import type { BookingView } from '../types.js';
import { openFootage } from './footage.js';

interface Refusal {
  code: string;
  reason: string;
}
interface RefusalDetails {
  refusals?: Refusal[];
  conflicts?: Refusal[];
  proposedStart?: number;
  proposedStartLocal?: string;
}

const PARTICIPANT_ROLES = ['child', 'resident-parent', 'visiting-parent', 'authorised-adult'] as const;
let listRoot: HTMLElement | undefined;
/** The booking the form is moving, or undefined when it books a new visit. */
let editing: BookingView | undefined;

function mount(root: HTMLElement): void {
  editing = undefined;
  listRoot = h('div');
  const date = h('input', { id: 'bookings-date', type: 'date', value: state.bookingsDate });
  date.addEventListener('change', () => void loadBookings(date.value).catch(() => undefined));
  root.replaceChildren(
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'bookings-title' },
      h('div', { class: 'panel-head' }, h('h1', { id: 'bookings-title' }, 'Bookings'), h('label', { for: 'bookings-date', class: 'inline' }, 'Day '), date),
      listRoot,
    ),
  );
  if (can('POST /api/bookings')) root.append(bookingForm());
  renderList();
}

function renderList(): void {
  if (!listRoot) return;
  // The server names the centre's today on first load; fill the day pickers once it has.
  for (const input of document.querySelectorAll<HTMLInputElement>('#bookings-date, #booking-form [name=date]')) if (!input.value) input.value = state.bookingsDate;
  fillPickers();
  const list = [...state.bookings].sort((a, b) => a.start - b.start);
  replaceChildrenKeepingFocus(
    listRoot,
    list.length === 0
      ? h('p', { class: 'empty' }, `No bookings on ${state.bookingsDate}.`)
      : h(
          'table',
          { class: 'bookings' },
          h('thead', {}, h('tr', {}, ['Time', 'Room', 'Service', 'People', 'Status', 'Actions'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, list.map(bookingRow)),
        ),
  );
}

function bookingRow(b: BookingView): HTMLElement {
  return h(
    'tr',
    { 'data-booking': b.id },
    h('td', {}, `${hhmm(b.start)}–${hhmm(b.end)}`),
    h('td', {}, roomName(b.roomId)),
    h('td', {}, b.serviceType),
    h('td', {}, b.participants.map((p) => `${initialsOf(p.personId)} (${ROLE_LABELS[p.role] ?? p.role})`).join(', ')),
    h('td', {}, b.status),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'actions' },
        b.status === 'booked' && can('PATCH /api/bookings/:id') ? h('button', { type: 'button', class: 'secondary', 'data-key': `edit-${b.id}`, onclick: () => startEdit(b) }, 'Edit') : null,
        can('POST /api/bookings') ? h('button', { type: 'button', class: 'secondary', 'data-key': `copy-${b.id}`, onclick: () => fillForm(b) }, 'Copy to form') : null,
        b.status === 'booked' && can('POST /api/bookings/:id/cancel') ? h('button', { type: 'button', class: 'secondary', 'data-key': `cancel-${b.id}`, onclick: () => cancelDialog(b) }, 'Cancel…') : null,
        can('GET /api/bookings/:id/footage') ? h('button', { type: 'button', class: 'secondary', 'data-key': `footage-${b.id}`, onclick: () => openFootage(b) }, 'Footage') : null,
      ),
    ),
  );
}

function cancelDialog(b: BookingView): void {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'stack' },
    h('p', {}, `${hhmm(b.start)}–${hhmm(b.end)} in ${roomName(b.roomId)}. The visitors' credentials stop working at once.`),
    h('label', { for: 'cancel-reason' }, 'Reason (required)'),
    h('input', { id: 'cancel-reason', name: 'reason', required: true }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Cancel the booking'), h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Keep it')),
    error,
  );
  const dialog = openDialog(h('dialog', { 'aria-labelledby': 'cancel-title' }, h('h2', { id: 'cancel-title' }, 'Cancel booking?'), form));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const reason = formValues(form)['reason'] ?? '';
    if (!reason) return void (error.textContent = 'Please give a reason.');
    api('POST', `/api/bookings/${encodeURIComponent(b.id)}/cancel`, { reason })
      .then(() => loadBookings(state.bookingsDate))
      .then(() => dialog.close())
      .catch((err: Error) => (error.textContent = err.message));
  });
}

/** The form may be built before the site and the people have loaded (a page opened on #bookings): fill its pickers once they have. */
function fillPickers(): void {
  const form = document.getElementById('booking-form') as HTMLFormElement | null;
  if (!form) return;
  const fill = (select: HTMLSelectElement, empty: number, options: () => HTMLOptionElement[]) => {
    if (select.options.length === empty) select.append(...options().slice(empty));
  };
  if (state.site) fill(field(form, 'roomId'), 0, roomOptions);
  if (state.site?.entrances?.length) fill(field(form, 'residentEntrance'), 1, entranceOptions);
  if (state.people.size === 0) return;
  fill(field(form, 'supervisorId'), 1, () => personOptions('staff'));
  for (const select of form.querySelectorAll<HTMLSelectElement>('select[name^="person-"]')) fill(select, 1, () => personOptions());
}

const roomOptions = () => (state.site?.rooms ?? []).map((r) => h('option', { value: r.id }, `${r.name}${r.shared ? ' (shared)' : ''}`));
const entranceOptions = () => [h('option', { value: '' }, "The case's entrance"), ...(state.site?.entrances ?? []).map((e) => h('option', { value: e.id }, e.name))];

function personOptions(kind?: string): HTMLOptionElement[] {
  const people = [...state.people.values()].filter((p) => (kind ? p.kind === kind : p.kind !== 'staff')).sort((a, b) => a.fullName.localeCompare(b.fullName));
  return [h('option', { value: '' }, '—'), ...people.map((p) => h('option', { value: p.id }, `${p.fullName} (${p.initials})`))];
}

function participantRow(i: number): HTMLElement {
  return h(
    'div',
    { class: 'participant', 'data-participant': i },
    h('label', {}, `Person ${i + 1}`, h('select', { name: `person-${i}` }, personOptions())),
    h('label', {}, 'Role', h('select', { name: `role-${i}` }, PARTICIPANT_ROLES.map((r) => h('option', { value: r }, ROLE_LABELS[r] ?? r)))),
  );
}

function bookingForm(): HTMLElement {
  const result = h('div', { id: 'booking-result', 'aria-live': 'polite' });
  const participants = h('fieldset', { class: 'stack' }, h('legend', {}, 'Participants'), [0, 1, 2].map(participantRow));
  const addButton = h('button', { type: 'button', class: 'secondary', onclick: () => participants.insertBefore(participantRow(participants.querySelectorAll('.participant').length), addButton) }, 'Add participant');
  participants.append(addButton);
  const form = h(
    'form',
    { id: 'booking-form', class: 'stack', 'aria-labelledby': 'new-booking-title' },
    h('h2', { id: 'new-booking-title' }, 'Book a visit'),
    h(
      'div',
      { id: 'edit-banner', class: 'hint', hidden: true },
      h('p', { id: 'edit-what' }),
      h('button', { type: 'button', class: 'secondary', onclick: () => stopEdit(form) }, 'Stop editing'),
    ),
    h(
      'div',
      { class: 'form-grid' },
      h('label', {}, 'Case id', h('input', { name: 'caseId', required: true })),
      h('label', {}, 'Room', h('select', { name: 'roomId' }, roomOptions())),
      h('label', {}, 'Service', h('select', { name: 'serviceType' }, ['supervised', 'supported', 'handover'].map((s) => h('option', { value: s }, s)))),
      h('label', {}, 'Day', h('input', { name: 'date', type: 'date', required: true, value: state.bookingsDate })),
      h('label', {}, 'Start (centre time)', h('input', { name: 'start', type: 'time', required: true, value: '10:30' })),
      h('label', {}, 'End (centre time)', h('input', { name: 'end', type: 'time', required: true, value: '12:00' })),
      h('label', {}, 'Supervisor', h('select', { name: 'supervisorId' }, personOptions('staff'))),
      h(
        'label',
        {},
        'Resident entrance',
        h('select', { name: 'residentEntrance' }, entranceOptions()),
      ),
    ),
    participants,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Check and book')),
    result,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submit(form, result);
  });
  return h('section', { class: 'panel' }, form);
}

function field<T extends HTMLInputElement | HTMLSelectElement>(form: HTMLFormElement, name: string): T {
  return form.elements.namedItem(name) as T;
}

async function submit(form: HTMLFormElement, result: HTMLElement): Promise<void> {
  if (editing) return saveEdit(form, result, editing);
  const v = formValues(form);
  const participants: { personId: string; role: string }[] = [];
  for (let i = 0; v[`person-${i}`] !== undefined; i++) if (v[`person-${i}`]) participants.push({ personId: v[`person-${i}`]!, role: v[`role-${i}`]! });
  if (!v['caseId'] || !v['date'] || !v['start'] || !v['end'] || participants.length === 0) {
    result.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'Fill in the case, the day, the times and at least one participant.'));
    return;
  }
  const body = {
    caseId: v['caseId'],
    roomId: v['roomId'],
    serviceType: v['serviceType'],
    start: new Date(localToInstant(v['date'], v['start'])).toISOString(),
    end: new Date(localToInstant(v['date'], v['end'])).toISOString(),
    participants,
    ...(v['supervisorId'] ? { supervisorId: v['supervisorId'] } : {}),
    ...(v['residentEntrance'] ? { residentEntrance: v['residentEntrance'] } : {}),
  };
  result.replaceChildren(h('p', {}, 'Checking the plan…'));
  try {
    const created = await api<BookingView>('POST', '/api/bookings', body);
    result.replaceChildren(h('p', { class: 'ok', role: 'status' }, `Booked ${hhmm(created.start)}–${hhmm(created.end)} in ${roomName(created.roomId)}, with ${created.movements.length} planned movements.`));
    await loadBookings(v['date']);
  } catch (e) {
    result.replaceChildren(...refusalView(form, e));
  }
}

function refusalView(form: HTMLFormElement, e: unknown): HTMLElement[] {
  if (!(e instanceof ApiError)) return [h('p', { class: 'error', role: 'alert' }, (e as Error).message)];
  const d = (e.details ?? {}) as RefusalDetails;
  const out: HTMLElement[] = [
    h(
      'div',
      { class: 'refusal', role: 'alert' },
      h('h3', {}, editing ? 'Not moved' : 'Not booked'),
      d.refusals?.length ? h('ul', {}, d.refusals.map((r) => h('li', { 'data-code': r.code }, r.reason))) : h('p', {}, e.message),
      d.conflicts?.length ? [h('h3', {}, 'Keep-apart conflicts with the rest of the day'), h('ul', { class: 'conflicts' }, d.conflicts.map((c) => h('li', {}, c.reason)))] : null,
    ),
  ];
  if (d.proposedStart !== undefined) {
    const local = instantToLocal(d.proposedStart);
    out.push(
      h(
        'div',
        { class: 'proposal' },
        h('p', {}, 'Nearest safe start: ', h('strong', {}, d.proposedStartLocal ?? `${local.date} ${local.time}`)),
        h('button', { type: 'button', onclick: () => useProposal(form, d.proposedStart!) }, `Move the visit to ${local.time}`),
      ),
    );
  }
  return out;
}

function useProposal(form: HTMLFormElement, proposedStart: number): void {
  const date = field<HTMLInputElement>(form, 'date').value;
  const oldStart = localToInstant(date, field<HTMLInputElement>(form, 'start').value);
  const duration = localToInstant(date, field<HTMLInputElement>(form, 'end').value) - oldStart;
  const start = instantToLocal(proposedStart);
  const end = instantToLocal(proposedStart + duration);
  field<HTMLInputElement>(form, 'date').value = start.date;
  field<HTMLInputElement>(form, 'start').value = start.time;
  field<HTMLInputElement>(form, 'end').value = end.time;
  form.querySelector<HTMLButtonElement>('button[type=submit]')?.focus();
}

/** Moves the booking being edited: only times, room, supervisor and entrance are sent. */
async function saveEdit(form: HTMLFormElement, result: HTMLElement, b: BookingView): Promise<void> {
  const v = formValues(form);
  if (!v['date'] || !v['start'] || !v['end']) {
    result.replaceChildren(h('p', { class: 'error', role: 'alert' }, 'Fill in the day and the times.'));
    return;
  }
  const body = {
    start: new Date(localToInstant(v['date'], v['start'])).toISOString(),
    end: new Date(localToInstant(v['date'], v['end'])).toISOString(),
    roomId: v['roomId'],
    supervisorId: v['supervisorId'] || null,
    ...(v['residentEntrance'] ? { residentEntrance: v['residentEntrance'] } : {}),
  };
  result.replaceChildren(h('p', {}, 'Checking the new plan…'));
  try {
    const moved = await api<BookingView>('PATCH', `/api/bookings/${encodeURIComponent(b.id)}`, body);
    stopEdit(form);
    result.replaceChildren(h('p', { class: 'ok', role: 'status' }, `Moved to ${hhmm(moved.start)}–${hhmm(moved.end)} in ${roomName(moved.roomId)}, with ${moved.movements.length} planned movements.`));
    await loadBookings(v['date']);
  } catch (e) {
    result.replaceChildren(...refusalView(form, e));
  }
}

/** Puts a booking into the form to move it; the case, service and people stay as booked. */
function startEdit(b: BookingView): void {
  const form = document.getElementById('booking-form') as HTMLFormElement | null;
  if (!form) return;
  fillForm(b);
  editing = b;
  for (const name of ['caseId', 'serviceType']) field<HTMLInputElement>(form, name).disabled = true;
  form.querySelector('fieldset')!.disabled = true;
  field<HTMLSelectElement>(form, 'residentEntrance').value = b.residentEntrance ?? '';
  form.querySelector('#new-booking-title')!.textContent = 'Edit a visit';
  form.querySelector('#edit-what')!.textContent = `Moving the ${hhmm(b.start)}–${hhmm(b.end)} visit in ${roomName(b.roomId)}. The case, service and people stay; cancel and book again to change them.`;
  form.querySelector<HTMLElement>('#edit-banner')!.hidden = false;
  form.querySelector('button[type=submit]')!.textContent = 'Check and save';
  form.querySelector('#booking-result')!.replaceChildren();
  field<HTMLInputElement>(form, 'start').focus();
}

function stopEdit(form: HTMLFormElement): void {
  editing = undefined;
  for (const name of ['caseId', 'serviceType']) field<HTMLInputElement>(form, name).disabled = false;
  form.querySelector('fieldset')!.disabled = false;
  form.querySelector('#new-booking-title')!.textContent = 'Book a visit';
  form.querySelector<HTMLElement>('#edit-banner')!.hidden = true;
  form.querySelector('button[type=submit]')!.textContent = 'Check and book';
}

function fillForm(b: BookingView): void {
  const form = document.getElementById('booking-form') as HTMLFormElement | null;
  if (!form) return;
  if (editing) stopEdit(form);
  const start = instantToLocal(b.start);
  field<HTMLInputElement>(form, 'caseId').value = b.caseId;
  field<HTMLSelectElement>(form, 'roomId').value = b.roomId;
  field<HTMLSelectElement>(form, 'serviceType').value = b.serviceType;
  field<HTMLInputElement>(form, 'date').value = start.date;
  field<HTMLInputElement>(form, 'start').value = start.time;
  field<HTMLInputElement>(form, 'end').value = instantToLocal(b.end).time;
  field<HTMLSelectElement>(form, 'supervisorId').value = b.supervisorId ?? '';
  b.participants.forEach((p, i) => {
    if (!form.querySelector(`[name=person-${i}]`)) form.querySelector('fieldset button')?.dispatchEvent(new MouseEvent('click'));
    field<HTMLSelectElement>(form, `person-${i}`).value = p.personId;
    field<HTMLSelectElement>(form, `role-${i}`).value = p.role;
  });
  field<HTMLInputElement>(form, 'caseId').focus();
}

export const bookingsView: View = { id: 'bookings', label: 'Bookings', needs: 'GET /api/bookings', shows: ['bookings'], mount, update: renderList };
