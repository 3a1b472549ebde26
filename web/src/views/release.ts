/**
 * The release dialog. Reception gives a reason (audited); the server decides. When the
 * release would break a keep-apart rule the answer is `held` / KEEP_APART_HOLD: the
 * dialog shows who would meet whom and where, and offers the override, which needs a
 * manager or safeguarding lead to type their own username and password (a second,
 * more senior person; DESIGN.md "Things that are easy to get wrong").
 */
import { ApiError, api } from '../api.js';
import { formValues, h, openDialog } from '../dom.js';
import { zoneName } from '../format.js';
import { can } from '../roles.js';
import { state } from '../state.js';
import type { DecisionView, DoorView, NoticeView } from '../types.js';

interface ReleaseAnswer {
  decision: DecisionView;
  notices: NoticeView[];
}

/** Outcomes a manager's override can lift. */
const OVERRIDABLE = new Set(['KEEP_APART_HOLD', 'MANAGER_REQUIRED', 'LOCKDOWN', 'WAIT_FOR_RELEASE']);

export function openReleaseDialog(door: DoorView): void {
  const status = h('div', { class: 'dialog-status', role: 'status', 'aria-live': 'polite' });
  const nearby = [...state.occupants.values()].filter((o) => o.zones.includes(door.from) || o.zones.includes(door.to));
  const form = h(
    'form',
    { class: 'stack', novalidate: true },
    h('label', { for: 'release-reason' }, 'Reason (required, recorded in the audit log)'),
    h('textarea', { id: 'release-reason', name: 'reason', required: true, minlength: 3, maxlength: 500, rows: 2, autofocus: true }),
    h('label', { for: 'release-person' }, 'Who is passing (optional)'),
    h('select', { id: 'release-person', name: 'personId' }, h('option', { value: '' }, 'not known'), nearby.map((o) => h('option', { value: o.personId }, o.initials))),
    h('label', { for: 'release-towards' }, 'Towards'),
    h('select', { id: 'release-towards', name: 'towards' }, h('option', { value: door.to }, zoneName(door.to)), h('option', { value: door.from }, zoneName(door.from))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Release door'), h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel')),
  );
  const dialog = openDialog(
    h('dialog', { 'aria-labelledby': 'release-title', class: 'release-dialog' }, h('h2', { id: 'release-title' }, `Release ${door.name}`), form, status),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    if ((v['reason'] ?? '').length < 3) return showError(status, 'Please give a reason (at least 3 characters).', 'release-reason');
    const body = { reason: v['reason']!, towards: v['towards']!, ...(v['personId'] ? { personId: v['personId'] } : {}) };
    void submitRelease(door, body, status, dialog);
  });
}

async function submitRelease(door: DoorView, body: Record<string, string>, status: HTMLElement, dialog: HTMLDialogElement): Promise<void> {
  status.replaceChildren(h('p', {}, 'Asking the door…'));
  try {
    const answer = await api<ReleaseAnswer>('POST', `/api/doors/${encodeURIComponent(door.id)}/release`, body);
    showAnswer(door, body, answer, status, dialog);
  } catch (e) {
    showError(status, (e as Error).message);
  }
}

function showAnswer(door: DoorView, body: Record<string, string>, answer: ReleaseAnswer, status: HTMLElement, dialog: HTMLDialogElement): void {
  const { decision, notices } = answer;
  if (decision.outcome === 'granted') {
    status.replaceChildren(h('p', { class: 'ok' }, `Released: ${decision.reason}`));
    setTimeout(() => dialog.open && dialog.close(), 1500);
    return;
  }
  const isKeepApart = decision.code === 'KEEP_APART_HOLD';
  const override = OVERRIDABLE.has(decision.code) && can('POST /api/doors/:id/override') ? overrideForm(door, body, dialog) : undefined;
  status.replaceChildren(
    h(
      'div',
      { class: isKeepApart ? 'warning keep-apart' : 'warning', role: 'alert' },
      h('h3', {}, isKeepApart ? 'Not released: this would break a keep-apart rule' : 'Not released'),
      h('p', {}, decision.reason),
      notices.filter((n) => n.text !== decision.reason).map((n) => h('p', {}, n.text)),
    ),
  );
  if (override) status.append(override);
  dialog.querySelector<HTMLButtonElement>('form button[type=submit]')?.setAttribute('disabled', '');
}

function overrideForm(door: DoorView, body: Record<string, string>, dialog: HTMLDialogElement): HTMLElement {
  const result = h('div', { role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'stack override', autocomplete: 'off' },
    h('h3', {}, 'Manager override'),
    h('p', { class: 'hint' }, 'A manager or safeguarding lead confirms with their own sign-in. The override is recorded with both names and raises an alert.'),
    h('label', { for: 'override-user' }, 'Manager username'),
    h('input', { id: 'override-user', name: 'managerUsername', required: true, autocomplete: 'off' }),
    h('label', { for: 'override-password' }, 'Manager password'),
    h('input', { id: 'override-password', name: 'managerPassword', type: 'password', required: true, autocomplete: 'off' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'danger' }, 'Override and release')),
    result,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    form.querySelector<HTMLInputElement>('#override-password')!.value = '';
    void (async () => {
      try {
        const answer = await api<ReleaseAnswer>('POST', `/api/doors/${encodeURIComponent(door.id)}/override`, { ...body, managerUsername: v['managerUsername'], managerPassword: v['managerPassword'] });
        const ok = answer.decision.outcome === 'granted';
        result.replaceChildren(h('p', { class: ok ? 'ok' : 'error' }, `${ok ? 'Released by override' : 'Not released'}: ${answer.decision.reason}`));
        if (ok) setTimeout(() => dialog.open && dialog.close(), 1500);
      } catch (err) {
        result.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError && err.status === 403 ? err.message : (err as Error).message));
      }
    })();
  });
  return form;
}

function showError(status: HTMLElement, message: string, focusId?: string): void {
  status.replaceChildren(h('p', { class: 'error', role: 'alert' }, message));
  if (focusId) document.getElementById(focusId)?.focus();
}
