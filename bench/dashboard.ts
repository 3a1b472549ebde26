/**
 * Dashboard latency: a door event at a simulated controller (the door leaf opening or
 * closing, published over MQTT) -> driver -> access core -> live WebSocket -> the door's
 * state changed in the DOM of each of 20 reception pages in headless Chromium. Each page
 * timestamps the DOM change with a MutationObserver (wall-clock ms from
 * performance.timeOrigin + performance.now(), the same clock the simulator stamps with).
 * The door's relay is held released at the controller so opening it is a normal passage,
 * not a forced-door alarm. Needs Debian's chromium (apt-get install chromium); skipped
 * with a message without it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchHeadlessChromium } from './chromium.js';
import { hashPassword } from '../src/auth/passwords.js';
import { parseConfig } from '../src/config/load.js';
import { startDaemon } from '../src/daemon.js';
import type { OwnDialectController } from '../simulators/mqtt-door/index.js';
import type { BenchContext, BenchSuite } from './suite.js';
import { percentile } from './stats.js';

const PAGES = 20;
/** Pause between door events (5 a second), so each is measured on its own. */
const SPACING_MS = 200;
const DOOR = 'reception';
const PASSWORD = 'bench reception password';

/** The checkout root, whether this runs from bench/ (tsx) or dist/bench/ (built). */
const ROOT = [path.resolve(import.meta.dirname, '..'), path.resolve(import.meta.dirname, '../..')].find((r) => existsSync(path.join(r, 'web/build.mjs')))!;

const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Installed in every page: logs every change of the door's displayed state with the
 * wall-clock time it reached the DOM. The log is read once at the end, so no browser
 * automation traffic shares the event loop with the daemon while events are timed.
 */
const OBSERVER = `(() => {
  const b = (window.__bench = { log: [], last: null });
  const check = () => {
    const s = document.querySelector('[data-door="${DOOR}"]')?.getAttribute('data-state') ?? null;
    if (s === b.last) return;
    b.last = s;
    b.log.push([s, performance.timeOrigin + performance.now()]);
  };
  new MutationObserver(check).observe(document.getElementById('view'), { subtree: true, childList: true, attributes: true });
})()`;

async function openDashboards(browser: Browser, url: string): Promise<Page[]> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const login = await context.request.post(`${url}/api/auth/login`, { data: { username: 'bench', password: PASSWORD } });
  if (!login.ok()) throw new Error(`bench sign-in failed: ${login.status()}`);
  const pages: Page[] = [];
  for (let i = 0; i < PAGES; i++) {
    const page = await context.newPage();
    await page.goto(`${url}/#building`);
    await page.locator('#live-status.live').waitFor({ timeout: 15_000 });
    await page.locator(`[data-door="${DOOR}"]`).waitFor();
    await page.evaluate(OBSERVER);
    pages.push(page);
  }
  return pages;
}

interface DoorEvent {
  expect: 'open' | 'unlocked';
  firedAt: number;
  /** When the daemon's live feed had the change (before sending it to any page). */
  pushedAt?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Per page and event: first time the page showed the event's state after it fired, minus the firing time. */
async function latencies(pages: Page[], events: DoorEvent[]): Promise<number[]> {
  const out: number[] = [];
  for (const page of pages) {
    const log = await page.evaluate<[string, number][]>('window.__bench.log');
    events.forEach((e, i) => {
      const before = events[i + 1]?.firedAt ?? Infinity;
      const shown = log.find(([state, at]) => state === e.expect && at >= e.firedAt && at < before);
      if (!shown) throw new Error(`a dashboard never showed the door ${e.expect} for event ${i}`);
      out.push(shown[1] - e.firedAt);
    });
  }
  return out;
}

async function run(ctx: BenchContext): Promise<Record<string, number>> {
  if (!existsSync(CHROMIUM_PATH)) {
    ctx.log(`skipped: chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
    return {};
  }
  // Loaded here, not at the top: a production install (no dev dependencies) still runs the other suites.
  execFileSync(process.execPath, [path.join(ROOT, 'web/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'contactd-bench-dashboard-'));
  const raw = JSON.parse(readFileSync(path.join(ROOT, 'config/default.json'), 'utf8'));
  raw.settings = { ...raw.settings, dataDir, http: { host: '127.0.0.1', port: 0 }, mqtt: { ...raw.settings.mqtt, embeddedPort: 0 }, simulators: { enabled: true }, logLevel: 'error' };
  const daemon = await startDaemon({ config: parseConfig(raw), configFile: 'bench', logger: pino({ level: 'silent' }) });
  let controller: OwnDialectController | undefined;
  let browser: Browser | undefined;
  try {
    daemon.store.users.create({ username: 'bench', role: 'reception', passwordHash: await hashPassword(PASSWORD) });
    controller = daemon.hardware.simulators()?.own.get(DOOR) as OwnDialectController | undefined;
    if (!controller) throw new Error(`no simulated controller for door ${DOOR}`);
    // The moment the daemon's live feed has the door's change, before any page's socket is sent it
    // (subscribed first): the server's share of the latency.
    let lastDoorMessage: number | undefined;
    let current: DoorEvent | undefined;
    const unsubscribe = daemon.services.live.subscribe((m) => {
      if (m.type !== 'door' || (m.data as { doorId?: string }).doorId !== DOOR) return;
      lastDoorMessage ??= wallNow();
      if (current) current.pushedAt ??= wallNow();
    });
    // Baseline in the same run, no browser: the same door events to the live feed alone.
    controller.relay.unlock(DOOR, 3600, 'bench');
    const baseline: number[] = [];
    for (let i = 0; i < (ctx.quick ? 20 : 100); i++) {
      lastDoorMessage = undefined;
      const t0 = wallNow();
      if (i % 2 === 0) controller.openDoor(DOOR);
      else controller.closeDoor(DOOR);
      const until = Date.now() + 5000;
      while (lastDoorMessage === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
      if (lastDoorMessage !== undefined) baseline.push(lastDoorMessage - t0);
    }
    controller.closeDoor(DOOR);
    controller.relay.lock(DOOR);
    // Twenty tabs of one headless browser: keep the hidden ones at full priority, as twenty screens would be.
    browser = await launchHeadlessChromium(['--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows']);
    const pages = await openDashboards(browser, daemon.url);
    ctx.log(`${pages.length} dashboards live`);
    // Held released at the controller: opening is a normal passage, not a forced door.
    controller.relay.unlock(DOOR, 3600, 'bench');
    await sleep(500);
    const rounds = ctx.quick ? 15 : 100;
    const events: DoorEvent[] = [];
    current = undefined;
    for (let i = 0; i < rounds; i++) {
      for (const [expect, fire] of [['open', () => controller!.openDoor(DOOR)], ['unlocked', () => controller!.closeDoor(DOOR)]] as const) {
        const event: DoorEvent = { expect, firedAt: wallNow() };
        current = event;
        fire();
        events.push(event);
        await sleep(SPACING_MS);
      }
    }
    current = undefined;
    unsubscribe();
    const samples = await latencies(pages, events);
    const server = events.flatMap((e) => (e.pushedAt === undefined ? [] : [e.pushedAt - e.firedAt]));
    ctx.log(`${samples.length} samples (${rounds * 2} door events x ${pages.length} pages)`);
    return {
      dashboard_event_p50_ms: percentile(samples, 50),
      dashboard_event_p99_ms: percentile(samples, 99),
      dashboard_event_max_ms: Math.max(...samples),
      dashboard_server_share_p50_ms: percentile(server, 50),
      dashboard_no_browser_baseline_p50_ms: percentile(baseline, 50),
      dashboard_no_browser_baseline_p99_ms: percentile(baseline, 99),
      dashboard_pages: pages.length,
    };
  } finally {
    // A door left open would fire its held-open timer after the simulator stopped.
    controller?.closeDoor(DOOR);
    await browser?.close().catch(() => undefined);
    await daemon.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const dashboardSuite: BenchSuite = { name: 'dashboard', run };
