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
import { hashPassword } from '../src/auth/passwords.js';
import { parseConfig } from '../src/config/load.js';
import { startDaemon } from '../src/daemon.js';
import type { OwnDialectController } from '../simulators/mqtt-door/index.js';
import type { BenchContext, BenchSuite } from './suite.js';

const PAGES = 20;
const DOOR = 'reception';
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PASSWORD = 'bench reception password';

/** The checkout root, whether this runs from bench/ (tsx) or dist/bench/ (built). */
const ROOT = [path.resolve(import.meta.dirname, '..'), path.resolve(import.meta.dirname, '../..')].find((r) => existsSync(path.join(r, 'web/build.mjs')))!;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const wallNow = () => performance.timeOrigin + performance.now();

/**
 * Installed in every page: `arm(state)` starts watching; `result()` resolves with the
 * wall-clock time the door first showed that state in the DOM.
 */
const OBSERVER = `(() => {
  const b = (window.__bench = { expect: null, at: null, done: null });
  b.arm = (state) => { b.expect = state; b.at = null; b.result = new Promise((r) => (b.done = r)); };
  const check = () => {
    if (b.expect === null || b.at !== null) return;
    const s = document.querySelector('[data-door="${DOOR}"]')?.getAttribute('data-state');
    if (s === b.expect) {
      b.at = performance.timeOrigin + performance.now();
      b.done(b.at);
    }
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

/** One door event; resolves with each page's latency (ms) to show `expect`, and the server's share. */
async function measure(pages: Page[], expect: string, fire: () => void, serverAt: () => number | undefined): Promise<{ pages: number[]; server: number | undefined }> {
  await Promise.all(pages.map((p) => p.evaluate(`window.__bench.arm(${JSON.stringify(expect)})`)));
  const t0 = wallNow();
  fire();
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`a dashboard did not show the door ${expect} within 10 s`)), 10_000));
  const shown = await Promise.race([Promise.all(pages.map((p) => p.evaluate<number>('window.__bench.result'))), timeout]);
  const server = serverAt();
  return { pages: shown.map((at) => at - t0), server: server === undefined ? undefined : server - t0 };
}

async function run(ctx: BenchContext): Promise<Record<string, number>> {
  if (!existsSync(CHROMIUM_PATH)) {
    ctx.log(`skipped: chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
    return {};
  }
  // Loaded here, not at the top: a production install (no dev dependencies) still runs the other suites.
  const { chromium } = await import('playwright-core');
  execFileSync(process.execPath, [path.join(ROOT, 'web/build.mjs')], { cwd: ROOT, stdio: 'pipe' });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'contactd-bench-dashboard-'));
  const raw = JSON.parse(readFileSync(path.join(ROOT, 'config/default.json'), 'utf8'));
  raw.settings = { ...raw.settings, dataDir, http: { host: '127.0.0.1', port: 0 }, mqtt: { ...raw.settings.mqtt, embeddedPort: 0 }, simulators: { enabled: true }, logLevel: 'error' };
  const daemon = await startDaemon({ config: parseConfig(raw), configFile: 'bench', logger: pino({ level: 'silent' }) });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Twenty tabs of one headless browser: keep the hidden ones at full priority, as twenty screens would be.
      '--disable-renderer-backgrounding',
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
    ],
  });
  let controller: OwnDialectController | undefined;
  try {
    daemon.store.users.create({ username: 'bench', role: 'reception', passwordHash: await hashPassword(PASSWORD) });
    controller = daemon.hardware.simulators()?.own.get(DOOR) as OwnDialectController | undefined;
    if (!controller) throw new Error(`no simulated controller for door ${DOOR}`);
    const pages = await openDashboards(browser, daemon.url);
    ctx.log(`${pages.length} dashboards live`);
    // The moment the daemon's live feed sends the door's change: the server's share of the latency.
    let lastDoorMessage: number | undefined;
    const unsubscribe = daemon.services.live.subscribe((m) => {
      if (m.type === 'door' && (m.data as { doorId?: string }).doorId === DOOR) lastDoorMessage ??= wallNow();
    });
    const serverAt = () => {
      const at = lastDoorMessage;
      lastDoorMessage = undefined;
      return at;
    };
    // Held released at the controller: opening is a normal passage, not a forced door.
    await measure(pages, 'unlocked', () => controller!.relay.unlock(DOOR, 3600, 'bench'), serverAt);
    const rounds = ctx.quick ? 15 : 100;
    const latencies: number[] = [];
    const server: number[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const [expect, fire] of [['open', () => controller!.openDoor(DOOR)], ['unlocked', () => controller!.closeDoor(DOOR)]] as const) {
        lastDoorMessage = undefined;
        const r = await measure(pages, expect, fire, serverAt);
        latencies.push(...r.pages);
        if (r.server !== undefined) server.push(r.server);
      }
    }
    unsubscribe();
    latencies.sort((a, b) => a - b);
    server.sort((a, b) => a - b);
    ctx.log(`${latencies.length} samples (${rounds * 2} door events x ${pages.length} pages)`);
    return {
      dashboard_event_p50_ms: percentile(latencies, 50),
      dashboard_event_p99_ms: percentile(latencies, 99),
      dashboard_event_max_ms: latencies[latencies.length - 1]!,
      dashboard_server_share_p50_ms: percentile(server, 50),
      dashboard_pages: pages.length,
    };
  } finally {
    // A door left open would fire its held-open timer after the simulator stopped.
    controller?.closeDoor(DOOR);
    await browser.close().catch(() => undefined);
    await daemon.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const dashboardSuite: BenchSuite = { name: 'dashboard', run };
