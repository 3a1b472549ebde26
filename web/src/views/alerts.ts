/**
 * Alerts, newest first, coloured and labelled by severity (the word as well as the
 * colour); acknowledge, resolve with a note; the lockdown switch with a confirmation.
 */
import { api } from '../api.js';
import { formValues, h, openDialog, replaceChildrenKeepingFocus } from '../dom.js';
import { doorName, hhmm, zoneName } from '../format.js';
import type { View } from '../main.js';
import { can } from '../roles.js';
import { loadAlerts, state } from '../state.js';
import type { AlertView } from '../types.js';

let showResolved = false;

const cameraName = (id: string) => state.site?.cameras.find((c) => c.id === id)?.name ?? id;

function render(root: HTMLElement): void {
  const list = [...state.alerts.values()].filter((a) => showResolved || a.resolvedAt === undefined).sort((a, b) => b.raisedAt - a.raisedAt);
  replaceChildrenKeepingFocus(
    root,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'alerts-title' },
      h(
        'div',
        { class: 'panel-head' },
        h('h1', { id: 'alerts-title' }, 'Alerts'),
        h(
          'label',
          { class: 'inline' },
          h('input', { type: 'checkbox', 'data-key': 'show-resolved', checked: showResolved, onchange: (e: Event) => ((showResolved = (e.target as HTMLInputElement).checked), render(root)) }),
          ' show resolved',
        ),
        lockdownButton(),
      ),
      list.length === 0 ? h('p', { class: 'empty' }, 'No open alerts.') : h('ol', { class: 'alerts' }, list.map(alertItem)),
    ),
  );
}

function alertItem(a: AlertView): HTMLElement {
  const state_ = a.resolvedAt !== undefined ? 'resolved' : a.acknowledgedAt !== undefined ? 'acknowledged' : 'open';
  const where = [a.doorId ? doorName(a.doorId) : '', a.zoneId ? zoneName(a.zoneId) : ''].filter(Boolean).join(', ');
  return h(
    'li',
    { class: `alert sev-${a.severity} ${state_}`, 'data-alert': a.id, 'data-kind': a.kind, 'data-state': state_ },
    h('p', { class: 'alert-head' }, h('span', { class: `badge sev-${a.severity}` }, a.severity), ' ', h('strong', {}, a.text)),
    h(
      'p',
      { class: 'meta' },
      `${hhmm(a.raisedAt)}${where ? ` · ${where}` : ''}`,
      a.escalatedAt ? ' · escalated' : '',
      a.acknowledgedAt ? ` · acknowledged ${hhmm(a.acknowledgedAt)} by ${a.acknowledgedBy ?? '?'}` : '',
      a.resolvedAt ? ` · resolved ${hhmm(a.resolvedAt)} by ${a.resolvedBy ?? '?'}` : '',
    ),
    a.note ? h('p', { class: 'note' }, `Note: ${a.note}`) : null,
    a.footage?.length ? h('p', { class: 'meta' }, 'Footage: ', a.footage.map((f) => `${cameraName(f.cameraId)} ${hhmm(f.from)}–${hhmm(f.to)}`).join('; ')) : null,
    h(
      'div',
      { class: 'actions' },
      state_ === 'open' && can('POST /api/alerts/:id/ack')
        ? h('button', { type: 'button', 'data-key': `ack-${a.id}`, onclick: () => void act(`/api/alerts/${encodeURIComponent(a.id)}/ack`) }, 'Acknowledge')
        : null,
      state_ !== 'resolved' && can('POST /api/alerts/:id/resolve')
        ? h('button', { type: 'button', class: 'secondary', 'data-key': `resolve-${a.id}`, onclick: () => resolveDialog(a) }, 'Resolve…')
        : null,
    ),
  );
}

async function act(path: string, body?: unknown): Promise<void> {
  try {
    await api('POST', path, body);
  } catch (e) {
    window.alert((e as Error).message);
  }
  // The live channel brings the change; reload too in case it is down.
  if (state.live !== 'live') await loadAlerts();
}

function resolveDialog(a: AlertView): void {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'stack', method: 'dialog' },
    h('p', {}, a.text),
    h('label', { for: 'resolve-note' }, 'What happened (required)'),
    h('textarea', { id: 'resolve-note', name: 'note', required: true, minlength: 3, maxlength: 2000, rows: 3 }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Resolve alert'), h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel')),
    error,
  );
  const dialog = openDialog(h('dialog', { 'aria-labelledby': 'resolve-title' }, h('h2', { id: 'resolve-title' }, 'Resolve alert'), form));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const note = formValues(form)['note'] ?? '';
    if (note.length < 3) return void (error.textContent = 'Please write a short note (at least 3 characters).');
    api('POST', `/api/alerts/${encodeURIComponent(a.id)}/resolve`, { note })
      .then(() => dialog.close())
      .catch((err: Error) => (error.textContent = err.message));
  });
}

function lockdownButton(): HTMLElement | null {
  if (!can('POST /api/lockdown')) return null;
  const active = state.lockdown.active;
  return h('button', { type: 'button', class: active ? 'secondary' : 'danger', 'data-key': 'lockdown', onclick: () => lockdownDialog(!active) }, active ? 'End lockdown…' : 'Lockdown…');
}

function lockdownDialog(activate: boolean): void {
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'stack' },
    h(
      'p',
      {},
      activate
        ? 'Every door locks and stays locked; card holders are refused until the lockdown ends. Fire-egress doors stay free. Ending it needs a manager or safeguarding lead.'
        : 'Doors return to normal operation.',
    ),
    h('label', { for: 'lockdown-reason' }, 'Reason (required)'),
    h('input', { id: 'lockdown-reason', name: 'reason', required: true, minlength: 3, maxlength: 500 }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: activate ? 'danger' : '' }, activate ? 'Yes, lock down the building' : 'Yes, end the lockdown'), h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel')),
    error,
  );
  const dialog = openDialog(h('dialog', { 'aria-labelledby': 'lockdown-title' }, h('h2', { id: 'lockdown-title' }, activate ? 'Start a lockdown?' : 'End the lockdown?'), form));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const reason = formValues(form)['reason'] ?? '';
    if (reason.length < 3) return void (error.textContent = 'Please give a reason (at least 3 characters).');
    api<{ lockdown: boolean }>('POST', '/api/lockdown', { active: activate, reason })
      .then((r) => {
        state.lockdown = { ...state.lockdown, active: r.lockdown, reason };
        dialog.close();
        render(document.getElementById('view')!);
      })
      .catch((err: Error) => (error.textContent = err.message));
  });
}

export const alertsView: View = { id: 'alerts', label: 'Alerts', needs: 'GET /api/alerts', shows: ['alert', 'lockdown'], mount: render, update: render };
