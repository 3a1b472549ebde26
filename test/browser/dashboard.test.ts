/**
 * The reception dashboard in a real browser (headless Debian chromium) against the real
 * daemon with its simulated door controllers: sign in, see a simulated arrival appear in
 * the right zone, release a door with a reason and see the simulated controller unlock,
 * see a panic alert arrive live and acknowledge it, catch up after a network blip, and
 * keep the layout inside a 1024x768 tablet. UPDATE_SCREENSHOTS=1 also saves the README's
 * screenshots to docs/screenshots/.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/passwords.js';
import { ManualClock } from '../../src/clock.js';
import type { OwnDialectController } from '../../simulators/mqtt-door/index.js';
import { bookedDay, MIN, START, stopDay, type BookedDay } from '../helpers/daemon.js';
import { removeTempDirs } from '../helpers/tmp.js';
import { buildDashboard, launchChromium, requireChromium, type LaunchedBrowser } from './browser.js';
import { lowRiskCase } from '../helpers/cases.js';

const PASSWORD = 'front desk password 1';
const SHOTS = process.env.UPDATE_SCREENSHOTS ? path.resolve(import.meta.dirname, '../../docs/screenshots') : undefined;
const haveChromium = requireChromium();

let day: BookedDay;
let clock: ManualClock;
let launched: LaunchedBrowser;
let browser: Browser;
let page: Page;
/** A second family, booked through the form into the first family's room and time. */
let second: { caseId: string; child: string; resident: string; visiting: string; supervisor: string };

const shot = async (p: Page, name: string, fullPage = false) => {
  if (SHOTS) await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
};

describe.runIf(haveChromium)('reception dashboard in headless chromium', () => {
  beforeAll(async () => {
    buildDashboard();
    clock = new ManualClock(START - 60 * MIN);
    day = await bookedDay(clock);
    const passwordHash = await hashPassword(PASSWORD);
    day.daemon.services.store.users.create({ username: 'rae', role: 'reception', passwordHash });
    day.daemon.services.store.users.create({ username: 'mona', role: 'manager', passwordHash });
    const { store } = day.daemon.services;
    const supervisor = store.people.create({ kind: 'staff', fullName: 'Tess Twostaff' });
    for (const kind of ['safeguarding', 'domestic-abuse'] as const) store.training.add({ staffId: supervisor.id, kind, completedOn: '2026-01-01', expiresOn: '2027-06-01' });
    const caseRecord = lowRiskCase(store, 'E2E-2', 'Family Two');
    second = {
      caseId: caseRecord.id,
      child: store.people.create({ kind: 'child', fullName: 'Kim Kidtwo' }).id,
      resident: store.people.create({ kind: 'adult', fullName: 'Rob Restwo' }).id,
      visiting: store.people.create({ kind: 'adult', fullName: 'Vera Vistwo' }).id,
      supervisor: supervisor.id,
    };
    launched = await launchChromium();
    browser = launched.browser;
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  }, 60_000);

  afterAll(async () => {
    await launched?.close();
    await stopDay(day);
    removeTempDirs();
  });

  it('refuses a wrong password and signs in with the keyboard alone', async () => {
    await page.goto(day.daemon.url);
    await page.getByLabel('Username').fill('rae');
    await page.getByLabel('Password').fill('not the password');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#login-error').textContent()).toMatch(/wrong username or password/);
    await shot(page, 'login');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('#live-status.live').waitFor({ timeout: 5000 });
    expect(await page.locator('nav a').allTextContents()).toEqual(expect.arrayContaining(['Building', 'Today', 'Bookings']));
    expect(await page.locator('[data-door]').count()).toBe(day.config.site.doors.length);
  });

  it('shows a simulated arrival in the right zone within a second, by initials only', async () => {
    const gateB = day.sims.own.get('gate-b') as OwnDialectController;
    const arrival = day.window(day.visiting.id, 'gate-b');
    clock.set(arrival.windowStart + MIN);
    const unlocked = gateB.relay.expectUnlock('gate-b', 3000);
    gateB.presentCard('gate-b-in', 'c0ffee01');
    await unlocked;
    gateB.openDoor('gate-b');
    gateB.closeDoor('gate-b');
    const badge = page.locator(`[data-zone="carpark-b"] [data-person="${day.visiting.id}"]`);
    await badge.waitFor({ timeout: 1000 });
    expect(await badge.textContent()).toMatch(/^VV\??$/);
    // Full names never reach this screen.
    expect(await page.locator('#view').textContent()).not.toContain('Victor');
    expect(await page.locator('[data-zone="carpark-a"] [data-person]').count()).toBe(0);
    await shot(page, 'building');
  });

  it('releases a door with a reason and the simulated controller unlocks', async () => {
    const controller = day.sims.own.get('reception') as OwnDialectController;
    const unlocked = controller.relay.expectUnlock('reception', 5000);
    await page.getByRole('button', { name: 'Release Reception door' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByRole('button', { name: 'Release door' }).click();
    await expect.poll(() => dialog.locator('.error').textContent()).toMatch(/reason/);
    await dialog.getByLabel(/Reason/).fill('Supervisor carrying the toy box');
    await dialog.getByRole('button', { name: 'Release door' }).click();
    const record = await unlocked;
    expect(record.doorId).toBe('reception');
    await page.locator('[data-door="reception"][data-state="unlocked"]').waitFor({ timeout: 3000 });
  });

  it('warns when a release would break a keep-apart rule and needs a manager to override', async () => {
    // Reception confirms from the cameras: the visiting parent in waiting room B, the resident parent in the corridor.
    const { access } = day.daemon.services;
    const staffId = `user:${day.daemon.services.store.users.findForLogin('rae')!.user.id}`;
    access.reload('test users');
    access.handle({ type: 'confirm-whereabouts', personId: day.visiting.id, zoneId: 'waiting-b', staffId, at: clock.now() });
    access.handle({ type: 'confirm-whereabouts', personId: day.resident.id, zoneId: 'corridor', staffId, at: clock.now() });
    await page.locator(`[data-zone="corridor"] [data-person="${day.resident.id}"]`).waitFor({ timeout: 3000 });

    await page.getByRole('button', { name: 'Release Corridor door B' }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByLabel(/Reason/).fill('Visiting parent asked for the toilet');
    await dialog.getByRole('button', { name: 'Release door' }).click();
    const warning = dialog.locator('.warning.keep-apart');
    await warning.waitFor({ timeout: 3000 });
    expect(await warning.textContent()).toMatch(/keep-apart/i);
    expect(await dialog.getByRole('button', { name: 'Release door' }).isDisabled()).toBe(true);
    await shot(page, 'release-hold');

    // A wrong manager password is refused; the manager's own password releases it.
    await dialog.getByLabel('Manager username').fill('mona');
    await dialog.getByLabel('Manager password').fill('not her password');
    await dialog.getByRole('button', { name: 'Override and release' }).click();
    await expect.poll(() => dialog.locator('.override .error').textContent()).toMatch(/could not be verified/);
    await dialog.getByLabel('Manager password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Override and release' }).click();
    await expect.poll(() => dialog.locator('.override .ok').textContent()).toMatch(/Released by override/);
    const decision = day.daemon.services.store.decisions.list({ doorId: 'corridor-b', limit: 1 })[0];
    expect(decision).toMatchObject({ outcome: 'granted', code: 'MANAGER_OVERRIDE' });
    await page.keyboard.press('Escape');
  });

  it('shows a panic alert live as critical and acknowledges it', async () => {
    await page.locator('nav').getByRole('link', { name: /^Alerts/ }).click();
    const gateB = day.sims.own.get('gate-b') as OwnDialectController;
    gateB.pressPanic('gate-b');
    const item = page.locator('li.alert[data-kind="panic"][data-state="open"]');
    await item.waitFor({ timeout: 3000 });
    expect(await item.textContent()).toMatch(/critical/i);
    await shot(page, 'alerts');
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    const acknowledged = page.locator('li.alert[data-kind="panic"][data-state="acknowledged"]');
    await acknowledged.waitFor({ timeout: 3000 });
    expect(await acknowledged.getAttribute('class')).toContain('sev-critical');
    const id = await acknowledged.getAttribute('data-alert');
    const stored = day.daemon.services.store.alerts.list({ state: 'all', limit: 50 }).find((a) => a.id === id);
    expect(stored?.acknowledgedBy).toContain('rae');
  });

  it("shows today's timeline with live statuses and the plain reason for a refusal", async () => {
    const staffDoor = day.sims.own.get('staff') as OwnDialectController;
    staffDoor.presentCard('staff-in', 'c0ffee01');
    await page.locator('nav').getByRole('link', { name: 'Today' }).click();
    const booking = page.locator(`[data-booking="${day.booking.id}"]`);
    await booking.locator(`[data-person="${day.visiting.id}"] [data-status="on-site"]`).waitFor({ timeout: 3000 });
    expect(await booking.locator(`[data-person="${day.visiting.id}"] .status`).textContent()).toMatch(/^on site: .*Waiting room B/);
    expect(await booking.locator(`[data-person="${day.resident.id}"] [data-status="on-site"]`).count()).toBe(1);
    expect(await booking.locator('.seg').count()).toBe(day.booking.movements.length);
    // The visiting parent's arrival through gate B was granted: that movement shows as done.
    const gateBArrival = day.window(day.visiting.id, 'gate-b');
    expect(await booking.locator(`.seg.done[data-movement="${gateBArrival.id}"]`).count()).toBe(1);
    const refusal = page.locator('[data-feed="refusals"] li', { hasText: 'Staff entrance' }).first();
    await refusal.waitFor({ timeout: 3000 });
    await day.daemon.services.access.settled();
    const stored = day.daemon.services.store.decisions.list({ doorId: 'staff', limit: 1 })[0]!;
    expect(await refusal.textContent()).toContain(stored.reason);
    expect(await page.locator('#view').textContent()).not.toMatch(/Victor|Rita/);
    await shot(page, 'today');
  });

  it('books a visit through the form, showing the refusal and moving it to the proposed safe time', async () => {
    await page.locator('nav').getByRole('link', { name: 'Bookings' }).click();
    const form = page.locator('#booking-form');
    await form.getByLabel('Case id').fill(second.caseId);
    await form.getByLabel('Room').selectOption('room-2');
    await form.getByLabel('Start (centre time)').fill('10:30');
    await form.getByLabel('End (centre time)').fill('12:00');
    await form.getByLabel('Supervisor').selectOption(second.supervisor);
    const people = [
      [second.child, 'child'],
      [second.resident, 'resident-parent'],
      [second.visiting, 'visiting-parent'],
    ] as const;
    for (const [i, [personId, role]] of people.entries()) {
      await form.getByLabel(`Person ${i + 1}`).selectOption(personId);
      await form.locator(`[name=role-${i}]`).selectOption(role);
    }
    await form.getByRole('button', { name: 'Check and book' }).click();
    const refusal = form.locator('.refusal');
    await refusal.waitFor({ timeout: 5000 });
    expect(await refusal.locator('[data-code="ROOM_DOUBLE_BOOKED"]').count()).toBe(1);
    const move = form.getByRole('button', { name: /^Move the visit to/ });
    await move.waitFor();
    await shot(page, 'bookings-refused', true);
    await move.click();
    expect(await form.getByLabel('Start (centre time)').inputValue()).not.toBe('10:30');
    await form.getByRole('button', { name: 'Check and book' }).click();
    await form.locator('#booking-result .ok').waitFor({ timeout: 5000 });
    const booked = day.daemon.services.store.bookings.listByDate('2026-11-28').filter((b) => b.caseId === second.caseId);
    expect(booked).toHaveLength(1);
    expect(await page.locator(`tr[data-booking="${booked[0]!.id}"]`).count()).toBe(1);
  });

  it('shows a tile per camera that says when no stream arrives', async () => {
    await page.locator('nav').getByRole('link', { name: 'Cameras' }).click();
    const tiles = page.locator('[data-camera]');
    await expect.poll(() => tiles.count()).toBe(day.config.site.cameras.length);
    // No recorder runs in this test: every tile must say so rather than look live.
    await expect.poll(() => page.locator('[data-camera][data-state="offline"]').count(), { timeout: 15_000 }).toBe(day.config.site.cameras.length);
    expect(await tiles.first().textContent()).toMatch(/no stream/);
  });

  it('catches up after a network blip without a reload', async () => {
    await page.locator('nav').getByRole('link', { name: 'Building' }).click();
    const before = await page.evaluate<number>('window.contactdLive.seq');
    // Drop the socket and, while it is down, let the door change at the controller.
    await page.evaluate('window.contactdLive.blip()');
    const gateB = day.sims.own.get('gate-b') as OwnDialectController;
    gateB.openDoor('gate-b');
    await page.locator('[data-door="gate-b"][data-state="forced"], [data-door="gate-b"][data-state="open"]').waitFor({ timeout: 5000 });
    gateB.closeDoor('gate-b');
    const after = await page.evaluate<number>('window.contactdLive.seq');
    expect(after).toBeGreaterThan(before);
    expect(await page.evaluate<number>("performance.getEntriesByType('navigation').length")).toBe(1);
  });

  it('fits a 1024x768 tablet on every view without sideways scrolling', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const view of ['building', 'today', 'alerts', 'bookings', 'cameras']) {
      await page.evaluate(`location.hash = '${view}'`);
      await page.locator(`#view[data-view="${view}"]`).waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, `${view} overflows sideways by ${overflow}px`).toBeLessThanOrEqual(0);
      // Every form control has a label a screen reader announces.
      const unlabelled = await page.evaluate<string[]>(
        "[...document.querySelectorAll('input, select, textarea')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.outerHTML)",
      );
      expect(unlabelled).toEqual([]);
    }
    await page.evaluate("location.hash = 'building'");
    await page.locator('#view[data-view="building"]').waitFor();
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'building-tablet');
  });
});
