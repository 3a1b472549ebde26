/**
 * The reception dashboard: sign in, then one page with views chosen by the hash
 * (#building, #today, #alerts, #bookings, #cameras), shown to the roles that may use
 * them. State comes through REST and stays current through the live channel.
 */
import { api, onUnauthenticated, setCsrfToken } from './api.js';
import { byId, formValues, h, replaceChildrenKeepingFocus } from './dom.js';
import { countdown } from './format.js';
import { LiveClient } from './live.js';
import { can } from './roles.js';
import { allowedRoutes, applyMessage, changed, loadAll, resetState, serverNow, state, subscribe } from './state.js';
import type { SessionInfo } from './types.js';
import type { ChangeKind } from './state.js';
import { ROUTE_ROLES } from '../../src/auth/roles.js';
import { alertsView } from './views/alerts.js';
import { bookingsView } from './views/bookings.js';
import { renderBuilding, updateBuilding } from './views/building.js';
import { camerasView } from './views/cameras.js';
import { todayView } from './views/today.js';
import { installSounds } from './sound.js';

export interface View {
  id: string;
  label: string;
  /** The route the role must be allowed to read for the view to be offered. */
  needs: string;
  /** The changes the view shows; it is repainted only for these (default: every change). */
  shows?: readonly ChangeKind[];
  mount(root: HTMLElement): void;
  /** Called on every state change it shows while the view is shown. */
  update(root: HTMLElement, kinds: ReadonlySet<ChangeKind>): void;
  /** Called when the view is left (close streams). */
  unmount?(): void;
}

const VIEWS: View[] = [
  { id: 'building', label: 'Building', needs: 'GET /api/doors', shows: ['door', 'occupancy', 'alert', 'lockdown', 'notice'], mount: renderBuilding, update: updateBuilding },
  todayView,
  alertsView,
  bookingsView,
  camerasView,
];

let live: LiveClient | undefined;
let unsubscribe: (() => void) | undefined;
let current: View | undefined;

async function boot(): Promise<void> {
  onUnauthenticated(() => signedOut('Your session has ended. Please sign in again.'));
  try {
    startApp(await api<SessionInfo>('GET', '/api/auth/session'));
  } catch {
    showLogin();
  }
}

function showLogin(message?: string): void {
  const app = byId('app');
  const error = h('p', { id: 'login-error', class: 'error', role: 'alert' }, message ?? '');
  const form = h(
    'form',
    { class: 'login stack', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to reception'),
    h('label', { for: 'username' }, 'Username'),
    h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autofocus: true }),
    h('label', { for: 'password' }, 'Password'),
    h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    error.textContent = '';
    api<SessionInfo>('POST', '/api/auth/login', { username: v['username'], password: form.querySelector<HTMLInputElement>('#password')!.value })
      .then(startApp)
      .catch((err: Error) => {
        error.textContent = err.message;
        form.querySelector<HTMLInputElement>('#password')!.select();
      });
  });
  app.replaceChildren(h('main', { class: 'login-page' }, form));
  document.title = 'Sign in · contactd';
  form.querySelector<HTMLInputElement>('#username')!.focus();
}

function startApp(session: SessionInfo): void {
  state.session = session;
  setCsrfToken(session.csrfToken);
  for (const [route, roles] of Object.entries(ROUTE_ROLES)) if (roles.includes(session.user.role)) allowedRoutes.add(route);
  installSounds();
  renderShell();
  unsubscribe = subscribe(refresh);
  live = new LiveClient({
    onMessage: (m) => {
      if (typeof m.at === 'number' && (m.type === 'decision' || m.type === 'notice')) state.clockOffsetMs = m.at - Date.now();
      applyMessage(m);
    },
    reload: loadAll,
    onStatus: (s) => {
      state.live = s;
      changed('status');
    },
    onFailure: () => void api('GET', '/api/auth/session').catch(() => undefined),
  });
  // Exposed for the browser tests and the support desk: the live channel's last seq and a blip.
  (window as unknown as { contactdLive: LiveClient }).contactdLive = live;
  live.start();
}

/*
 * Bookings made, moved or cancelled at another desk arrive as 'booking' messages on the
 * live channel (docs/live.md), so there is no periodic refetch of the day: a blip is
 * replayed from the last seq, a resync reloads everything, and while the channel is
 * down the REST poll below keeps the screen current.
 */
/** While the live channel is down, poll REST so the screen is never silently stale. */
setInterval(() => {
  if (state.session && state.live !== 'live') void loadAll().catch(() => undefined);
}, 5000);

function signedOut(message?: string): void {
  current?.unmount?.();
  current = undefined;
  live?.stop();
  live = undefined;
  unsubscribe?.();
  resetState();
  showLogin(message);
}

function visibleViews(): View[] {
  return VIEWS.filter((v) => can(v.needs));
}

function renderShell(): void {
  const app = byId('app');
  const nav = h('nav', { 'aria-label': 'Views' }, h('ul', { id: 'tabs' }));
  app.replaceChildren(
    h('a', { class: 'skip-link', href: '#view' }, 'Skip to content'),
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'site-name', id: 'site-name' }, 'contactd'),
      h('p', { id: 'live-status', class: 'live-status', role: 'status' }),
      h('p', { class: 'user' }, `${state.session!.user.username} (${state.session!.user.role})`),
      h('button', { type: 'button', class: 'secondary', onclick: () => void api('POST', '/api/auth/logout').finally(() => signedOut()) }, 'Sign out'),
    ),
    h('div', { id: 'banners' }),
    nav,
    h('main', { id: 'view', tabindex: -1 }),
  );
  window.onhashchange = () => route();
  route();
}

function route(): void {
  const views = visibleViews();
  const wanted = location.hash.replace(/^#/, '');
  const view = views.find((v) => v.id === wanted) ?? views[0];
  const root = byId('view');
  if (current !== view) current?.unmount?.();
  current = view;
  root.replaceChildren();
  root.dataset['view'] = view?.id ?? '';
  if (view) view.mount(root);
  else root.replaceChildren(h('p', {}, 'Your role has no reception views. Use the API or the command line.'));
  refresh();
}

const SHELL_SHOWS: readonly ChangeKind[] = ['alert', 'lockdown', 'status'];

function refresh(kinds: ReadonlySet<ChangeKind> = new Set(['all'])): void {
  if (!state.session) return;
  const touches = (shows: readonly ChangeKind[] | undefined) => !shows || kinds.has('all') || shows.some((k) => kinds.has(k));
  if (touches(current?.shows)) current?.update(byId('view'), kinds);
  if (!touches(SHELL_SHOWS)) return;
  document.title = `${state.site?.name ?? 'contactd'} · reception`;
  byId('site-name').textContent = state.site?.name ?? 'contactd';
  const status = byId('live-status');
  status.textContent = state.live === 'live' ? 'Live' : state.live === 'connecting' ? 'Connecting…' : 'Reconnecting… (updates paused)';
  status.className = `live-status ${state.live}`;
  const openAlerts = [...state.alerts.values()].filter((a) => a.acknowledgedAt === undefined && a.resolvedAt === undefined);
  replaceChildrenKeepingFocus(
    byId('tabs'),
    visibleViews().map((v) =>
      h(
        'li',
        {},
        h(
          'a',
          { href: `#${v.id}`, 'data-key': `tab-${v.id}`, 'aria-current': v === current ? 'page' : null },
          v.label,
          v.id === 'alerts' && openAlerts.length ? h('span', { class: 'tab-count', 'aria-label': `${openAlerts.length} unacknowledged` }, String(openAlerts.length)) : null,
        ),
      ),
    ),
  );
  renderBanners(openAlerts.filter((a) => a.severity === 'critical').length);
}

function renderBanners(critical: number): void {
  replaceChildrenKeepingFocus(
    byId('banners'),
    state.lockdown.active ? h('p', { class: 'banner lockdown', role: 'alert' }, h('strong', {}, 'LOCKDOWN'), ` — every door is locked. ${state.lockdown.reason ?? ''}`) : null,
    critical > 0 && current?.id !== 'alerts' ? h('p', { class: 'banner critical', role: 'alert' }, `${critical} critical alert${critical > 1 ? 's' : ''} not yet acknowledged. `, h('a', { href: '#alerts' }, 'Open alerts')) : null,
  );
}

/** Countdowns tick every second without a full repaint. */
setInterval(() => {
  const now = serverNow();
  for (const el of document.querySelectorAll<HTMLElement>('[data-until]')) el.textContent = ` ${countdown(Number(el.dataset['until']), now)}`;
}, 1000);

void boot();
