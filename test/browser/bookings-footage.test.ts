/**
 * Bookings on the live channel, editing a booking, and a visit's recorded footage, in
 * headless Chromium against the real daemon: a booking made through the API appears on
 * two other open dashboards within a second without a reload; reception moves it
 * through the form (refused with the proposed safe time first) and the other desk sees
 * the move; a safeguarding lead opens a visit's footage and the <video> really plays the
 * segments one after another (real H.264 MP4 segments made by ffmpeg); reception gets
 * no footage action. UPDATE_SCREENSHOTS=1 saves docs/screenshots/bookings-edit.png and
 * footage.png for the README.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../../src/auth/passwords.js';
import { ManualClock } from '../../src/clock.js';
import type { Segment } from '../../src/store/repos/footage.js';
import { makeSegments, requireFfmpeg } from '../api/ffmpeg-segments.js';
import { bookedDay, MIN, START, stopDay, type BookedDay } from '../helpers/daemon.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { buildDashboard, launchChromium, requireChromium, type LaunchedBrowser } from './browser.js';
import { lowRiskCase } from '../helpers/cases.js';

const PASSWORD = 'front desk password 2';
/** The parts of an HTMLVideoElement the test reads (the test runs in Node, without the DOM types). */
type VideoLike = { currentTime: number; error: unknown };
const SHOTS = process.env.UPDATE_SCREENSHOTS ? path.resolve(import.meta.dirname, '../../docs/screenshots') : undefined;
const shot = async (p: Page, name: string) => {
  if (SHOTS) await p.screenshot({ path: path.join(SHOTS, `${name}.png`) });
};
const ready = requireChromium() && requireFfmpeg('the footage player browser test');

let day: BookedDay;
let clock: ManualClock;
let launched: LaunchedBrowser;
let browser: Browser;
let desk: Page;
let office: Page;
let second: { caseId: string; child: string; resident: string; visiting: string; supervisor: string };
let segments: Segment[];

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${day.daemon.url}/#bookings`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('#live-status.live').waitFor({ timeout: 5000 });
  await page.locator('#view[data-view="bookings"]').waitFor();
}

/** A session of the API from outside the browser (another desk's client). */
async function apiSession(username: string) {
  const login = await fetch(`${day.daemon.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return (method: string, path: string, body?: unknown) =>
    fetch(`${day.daemon.url}${path}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
}

describe.runIf(ready)('bookings live, booking edits and footage playback in headless chromium', () => {
  beforeAll(async () => {
    buildDashboard();
    clock = new ManualClock(START - 60 * MIN);
    day = await bookedDay(clock);
    const { store } = day.daemon.services;
    const passwordHash = await hashPassword(PASSWORD);
    store.users.create({ username: 'rae', role: 'reception', passwordHash });
    store.users.create({ username: 'mona', role: 'manager', passwordHash });
    store.users.create({ username: 'sally', role: 'safeguarding-lead', passwordHash });
    const supervisor = store.people.create({ kind: 'staff', fullName: 'Tess Twostaff' });
    for (const kind of ['safeguarding', 'domestic-abuse'] as const) store.training.add({ staffId: supervisor.id, kind, completedOn: '2026-01-01', expiresOn: '2027-06-01' });
    const caseRecord = lowRiskCase(store, 'LIVE-2', 'Family Two');
    second = {
      caseId: caseRecord.id,
      child: store.people.create({ kind: 'child', fullName: 'Kim Kidtwo' }).id,
      resident: store.people.create({ kind: 'adult', fullName: 'Rob Restwo' }).id,
      visiting: store.people.create({ kind: 'adult', fullName: 'Vera Vistwo' }).id,
      supervisor: supervisor.id,
    };
    // The first visit's room camera: real 2-second H.264 segments at 10:40, 10:41 and, after a reported gap, 10:45.
    const files = makeSegments(tempDir('contactd-browser-footage-'), 3);
    const { tagger } = day.daemon.cctv.footage;
    const close = (file: string, fromMin: number) => {
      const body = readFileSync(file);
      return tagger.segmentClosed({ cameraId: 'cam-room-2', startAt: START + fromMin * MIN, endAt: START + (fromMin + 1) * MIN, path: file, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), skewMs: 0 });
    };
    segments = [close(files[0]!, 10), close(files[1]!, 11), close(files[2]!, 15)];
    tagger.gap({ cameraId: 'cam-room-2', fromAt: START + 12 * MIN, toAt: START + 15 * MIN, reason: 'camera offline' });
    launched = await launchChromium();
    browser = launched.browser;
    desk = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
    office = await browser.newPage({ viewport: { width: 1024, height: 768 }, locale: 'en-GB', timezoneId: 'Europe/London' });
    await signIn(desk, 'rae');
    await signIn(office, 'mona');
    for (const page of [desk, office]) page.setDefaultTimeout(5000);
  }, 90_000);

  afterAll(async () => {
    await launched?.close();
    await stopDay(day);
    removeTempDirs();
  });

  let created: { id: string };

  it('shows a booking made at another desk on every open dashboard within a second, without reloading', async () => {
    const refetches: string[] = [];
    for (const page of [desk, office]) page.on('request', (r) => void (r.url().includes('/api/bookings') && refetches.push(r.url())));
    const request = await apiSession('mona');
    const res = await request('POST', '/api/bookings', {
      caseId: second.caseId,
      roomId: 'room-3',
      serviceType: 'supervised',
      start: new Date(START + 150 * MIN).toISOString(),
      end: new Date(START + 240 * MIN).toISOString(),
      supervisorId: second.supervisor,
      participants: [
        { personId: second.child, role: 'child' },
        { personId: second.resident, role: 'resident-parent' },
        { personId: second.visiting, role: 'visiting-parent' },
      ],
    });
    expect(res.status).toBe(201);
    created = (await res.json()) as { id: string };
    const row = (page: Page) => page.locator(`tr[data-booking="${created.id}"]`);
    await Promise.all([row(desk).waitFor({ timeout: 1000 }), row(office).waitFor({ timeout: 1000 })]);
    expect(await row(desk).textContent()).toContain('13:00–14:30');
    // It came over the live channel: no page asked the REST API for the bookings, and neither reloaded.
    expect(refetches).toEqual([]);
    for (const page of [desk, office]) expect(await page.evaluate<number>("performance.getEntriesByType('navigation').length")).toBe(1);
  });

  it('moves a booking through the form: refused with the proposed safe time, then moved, and the other desk sees it', async () => {
    const form = desk.locator('#booking-form');
    await desk.locator(`tr[data-booking="${created.id}"]`).getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => form.locator('#new-booking-title').textContent()).toBe('Edit a visit');
    expect(await form.getByLabel('Case id').isDisabled()).toBe(true);
    expect(await desk.evaluate<string | null>("document.activeElement.getAttribute('name')")).toBe('start');
    // Into the first family's room at its time: refused, with the planner's proposal.
    await form.getByLabel('Room').selectOption('room-2');
    await form.getByLabel('Start (centre time)').fill('10:30');
    await form.getByLabel('End (centre time)').fill('12:00');
    await form.getByRole('button', { name: 'Check and save' }).click();
    const refusal = form.locator('.refusal');
    await refusal.waitFor({ timeout: 5000 });
    expect(await refusal.locator('[data-code="ROOM_DOUBLE_BOOKED"]').count()).toBe(1);
    expect(await refusal.locator('h3').first().textContent()).toBe('Not moved');
    const move = form.getByRole('button', { name: /^Move the visit to/ });
    await form.scrollIntoViewIfNeeded();
    await shot(desk, 'bookings-edit');
    await move.click();
    const proposed = await form.getByLabel('Start (centre time)').inputValue();
    expect(proposed).not.toBe('10:30');
    await form.getByRole('button', { name: 'Check and save' }).click();
    await form.locator('#booking-result .ok').waitFor({ timeout: 5000 });
    expect(await form.locator('#booking-result .ok').textContent()).toContain(`Moved to ${proposed}`);
    const stored = day.daemon.services.store.bookings.get(created.id)!;
    expect(stored.roomId).toBe('room-2');
    expect(day.daemon.services.store.audit.list({ action: 'booking.edit' })[0]).toMatchObject({ actor: 'user:rae', subject: `booking:${created.id}` });
    // The form is back to booking new visits; the other desk shows the new time at once.
    expect(await form.locator('#new-booking-title').textContent()).toBe('Book a visit');
    await expect.poll(() => office.locator(`tr[data-booking="${created.id}"] td`).first().textContent(), { timeout: 1000 }).toContain(proposed);

    // Cancelled at the office: gone from the desk's list.
    const request = await apiSession('mona');
    expect((await request('POST', `/api/bookings/${created.id}/cancel`, { reason: 'family moved away' })).status).toBe(200);
    await desk.locator(`tr[data-booking="${created.id}"]`).waitFor({ state: 'detached', timeout: 1000 });
  });

  it('gives reception no footage action', async () => {
    const row = desk.locator(`tr[data-booking="${day.booking.id}"]`);
    await row.waitFor();
    expect(await row.getByRole('button', { name: 'Edit' }).count()).toBe(1);
    expect(await row.getByRole('button', { name: 'Footage' }).count()).toBe(0);
  });

  it("plays a visit's footage for the safeguarding lead: segments one after another, gaps shown, views audited", async () => {
    const lead = await browser.newPage({ viewport: { width: 1024, height: 768 }, locale: 'en-GB', timezoneId: 'Europe/London' });
    await signIn(lead, 'sally');
    await lead.locator(`tr[data-booking="${day.booking.id}"]`).getByRole('button', { name: 'Footage' }).click();
    const player = lead.locator('dialog#footage-player[open]');
    await player.locator('[data-camera="cam-room-2"][aria-pressed="true"]').waitFor({ timeout: 5000 });
    expect(await player.locator('.gap-item', { hasText: 'camera offline' }).count()).toBe(1);
    // Keyboard: tab to the first segment's button and press Enter.
    const first = player.locator(`button[data-segment="${segments[0]!.id}"]`);
    await first.focus();
    await lead.keyboard.press('Enter');
    const video = player.locator('video');
    await expect.poll(() => video.evaluate((v) => (v as unknown as VideoLike).currentTime), { timeout: 10_000 }).toBeGreaterThan(0.5);
    expect(await video.evaluate((v) => (v as unknown as VideoLike).error)).toBeNull();
    expect(await video.getAttribute('data-segment')).toBe(String(segments[0]!.id));
    // The next segment follows by itself, and plays too.
    await expect.poll(() => video.getAttribute('data-segment'), { timeout: 10_000 }).toBe(String(segments[1]!.id));
    await expect.poll(() => video.evaluate((v) => (v as unknown as VideoLike).currentTime), { timeout: 10_000 }).toBeGreaterThan(0.3);
    // After the second, playback jumps the reported gap and says so.
    await expect.poll(() => video.getAttribute('data-segment'), { timeout: 10_000 }).toBe(String(segments[2]!.id));
    expect(await player.locator('[role=status]').textContent()).toMatch(/Skipped a gap.*camera offline/);
    // Inside a 1024x768 tablet, every control labelled.
    expect(await lead.evaluate<number>("document.querySelector('#footage-player').scrollWidth - document.querySelector('#footage-player').clientWidth")).toBeLessThanOrEqual(0);
    expect(await lead.evaluate<string[]>("[...document.querySelectorAll('#footage-player input, #footage-player select, #footage-player video')].filter((el) => !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.outerHTML)")).toEqual([]);
    await shot(lead, 'footage');
    const views = day.daemon.services.store.audit.list({ action: 'footage.view', limit: 100 }).filter((r) => r.actor === 'user:sally');
    expect(views.map((r) => r.details['segmentId']).sort()).toEqual(segments.map((s) => s.id).sort());
    await lead.keyboard.press('Escape');
    await player.waitFor({ state: 'detached' });
    await lead.close();
  }, 60_000);
});
