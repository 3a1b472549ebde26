/**
 * Playing back a visit's footage through the API, on real MP4 segments made by ffmpeg the
 * way the recorder cuts them (H.264, segment muxer, index at the end): the listing per
 * camera with its gaps, Range responses with the right bytes, who may watch, one audit
 * record per segment and session, and a segment of another visit refused.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/auth-hook.js';
import { createFootageTagger } from '../../src/footage/tagger.js';
import { NOT_RECORDED } from '../../src/footage/playback.js';
import type { Segment } from '../../src/store/repos/footage.js';
import { footageRepo } from '../../src/store/repos/footage.js';
import { buildTestApi, signedIn, type Session, type TestApi } from '../helpers/app.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { makeSegments, requireFfmpeg } from './ffmpeg-segments.js';
import { lowRiskCase } from '../helpers/cases.js';

const MIN = 60_000;
const START = Date.parse('2026-11-24T10:30:00Z');

const have = requireFfmpeg('the footage playback API tests');

describe.runIf(have)('visit footage playback API', () => {
  let api: TestApi;
  let manager: Session;
  let lead: Session;
  let visitA: string;
  let visitB: string;
  let files: string[];
  let segs: Segment[];
  let otherVisitSegment: Segment;

  const get = (s: Session, url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: s.cookie }, headers });
  const segmentUrl = (id: number, booking: string) => `/api/footage/segments/${id}?booking=${encodeURIComponent(booking)}`;

  beforeAll(async () => {
    api = await buildTestApi(); // the clock starts at 09:00, before the 10:30 visits are booked
    const { store, services } = api;
    const person = (kind: 'child' | 'adult' | 'staff', fullName: string) => store.people.create({ kind, fullName }).id;
    const visit = (ref: string, roomId: string) => {
      const supervisor = person('staff', `Sup ${ref}`);
      for (const kind of ['safeguarding', 'domestic-abuse'] as const) store.training.add({ staffId: supervisor, kind, completedOn: '2026-01-01', expiresOn: '2027-06-01' });
      const c = lowRiskCase(store, ref);
      return services.bookings.create(
        {
          caseId: c.id, roomId, serviceType: 'supervised', start: START, end: START + 60 * MIN, supervisorId: supervisor,
          participants: [{ personId: person('child', `Child ${ref}`), role: 'child' }, { personId: person('adult', `Res ${ref}`), role: 'resident-parent' }, { personId: person('adult', `Vis ${ref}`), role: 'visiting-parent' }],
        },
        'test',
      ).id;
    };
    visitA = visit('PB-1', 'room-2');
    visitB = visit('PB-2', 'room-3');

    files = makeSegments(tempDir('contactd-playback-'), 4);
    const footage = footageRepo(store.db, () => api.clock.now());
    const tagger = createFootageTagger({ store, footage, site: api.config.site, clock: api.clock, logger: pino({ level: 'silent' }), evidence: { beforeSeconds: 60, afterSeconds: 240 } });
    const close = (file: string, cameraId: string, fromMin: number) => {
      const body = readFileSync(file);
      return tagger.segmentClosed({ cameraId, startAt: START + fromMin * MIN, endAt: START + (fromMin + 1) * MIN, path: file, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex'), skewMs: 0 });
    };
    // Room 2 recorded 10:40-10:42, the camera dropped out until 10:45 (reported), then recorded again.
    segs = [close(files[0]!, 'cam-room-2', 10), close(files[1]!, 'cam-room-2', 11), close(files[2]!, 'cam-room-2', 15)];
    tagger.gap({ cameraId: 'cam-room-2', fromAt: START + 12 * MIN, toAt: START + 15 * MIN, reason: 'camera offline' });
    otherVisitSegment = close(files[3]!, 'cam-room-3', 10);
    api.clock.set(START + 2 * 60 * MIN);
    manager = await signedIn(api, 'manager');
    lead = await signedIn(api, 'safeguarding-lead');
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    removeTempDirs();
  });

  it("lists the visit's segments per camera in time order, with reported and unrecorded gaps, and audits the opening", async () => {
    const res = await get(manager, `/api/bookings/${visitA}/footage`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ bookingId: visitA, start: START, sharedRoom: false });
    const room = body.cameras.find((c: { cameraId: string }) => c.cameraId === 'cam-room-2');
    expect(room.segments).toEqual(
      segs.map((s) => ({ id: s.id, start: s.startAt, end: s.endAt, bytes: s.bytes, sha256: s.sha256, skewMs: 0, url: segmentUrl(s.id, visitA) })),
    );
    expect(room.gaps).toContainEqual({ from: START + 12 * MIN, to: START + 15 * MIN, reason: 'camera offline' });
    // The room camera shows the visit from the walk to the room (10:20) to the walk back (by 11:40): nothing else was recorded.
    expect(room.gaps).toContainEqual({ from: START - 10 * MIN, to: START + 10 * MIN, reason: NOT_RECORDED });
    expect(room.gaps).toContainEqual({ from: START + 16 * MIN, to: START + 70 * MIN, reason: NOT_RECORDED });
    expect(room.gaps).toHaveLength(3);
    // Cameras along the parents' routes recorded nothing: listed, with their whole window as a gap.
    const entrance = body.cameras.find((c: { cameraId: string }) => c.cameraId === 'cam-entrance-b');
    expect(entrance.segments).toEqual([]);
    expect(entrance.gaps[0].reason).toBe(NOT_RECORDED);
    // The other visit's room camera is not this visit's footage.
    expect(body.cameras.some((c: { cameraId: string }) => c.cameraId === 'cam-room-3')).toBe(false);
    expect(api.store.audit.list({ action: 'footage.playback' })[0]).toMatchObject({ actor: 'user:manager-user', subject: `booking:${visitA}` });
  });

  it('refuses recorded footage to reception, supervisors and admins', async () => {
    for (const role of ['reception', 'supervisor', 'admin'] as const) {
      const s = await signedIn(api, role);
      expect((await get(s, `/api/bookings/${visitA}/footage`)).statusCode, role).toBe(403);
      expect((await get(s, segmentUrl(segs[0]!.id, visitA))).statusCode, role).toBe(403);
    }
    expect((await get(lead, `/api/bookings/${visitA}/footage`)).statusCode).toBe(200);
  });

  it('serves byte ranges (206) with exactly the bytes of the file, the whole file (200), and 416 past the end', async () => {
    const file = readFileSync(files[0]!);
    const id = segs[0]!.id;
    const whole = await get(manager, segmentUrl(id, visitA));
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/mp4');
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['etag']).toBe(`"${segs[0]!.sha256}"`);
    expect(whole.headers['cache-control']).toContain('no-store');
    expect(Number(whole.headers['content-length'])).toBe(file.length);
    expect(whole.rawPayload.equals(file)).toBe(true);
    expect(whole.rawPayload.subarray(4, 8).toString()).toBe('ftyp');

    const middle = await get(manager, segmentUrl(id, visitA), { range: 'bytes=100-1099' });
    expect(middle.statusCode).toBe(206);
    expect(middle.headers['content-range']).toBe(`bytes 100-1099/${file.length}`);
    expect(middle.rawPayload.equals(file.subarray(100, 1100))).toBe(true);

    const open = await get(manager, segmentUrl(id, visitA), { range: `bytes=${file.length - 10}-` });
    expect(open.statusCode).toBe(206);
    expect(open.rawPayload.equals(file.subarray(file.length - 10))).toBe(true);
    const suffix = await get(manager, segmentUrl(id, visitA), { range: 'bytes=-500' });
    expect(suffix.headers['content-range']).toBe(`bytes ${file.length - 500}-${file.length - 1}/${file.length}`);
    expect(suffix.rawPayload.equals(file.subarray(file.length - 500))).toBe(true);

    const past = await get(manager, segmentUrl(id, visitA), { range: `bytes=${file.length}-` });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${file.length}`);
    // A stale If-Range gets the whole, current file rather than a piece of it.
    const stale = await get(manager, segmentUrl(id, visitA), { range: 'bytes=0-9', 'if-range': '"not-this-one"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(file.length);
  });

  it('audits the first opening of each segment per session, not every range request', async () => {
    const views = () => api.store.audit.list({ action: 'footage.view', limit: 1000 }).filter((r) => r.details['segmentId'] === segs[1]!.id);
    expect(views()).toHaveLength(0);
    for (const range of ['bytes=0-', 'bytes=2000-', 'bytes=-300', 'bytes=0-']) expect((await get(manager, segmentUrl(segs[1]!.id, visitA), { range })).statusCode).toBe(206);
    expect(views()).toHaveLength(1);
    expect(views()[0]).toMatchObject({ actor: 'user:manager-user', subject: `booking:${visitA}`, details: { playback: true, cameraId: 'cam-room-2', sha256: segs[1]!.sha256 } });
    // Another person, or the same person signed in again, is another viewing.
    await get(lead, segmentUrl(segs[1]!.id, visitA), { range: 'bytes=0-' });
    const again = await signedIn(api, 'manager');
    await get(again, segmentUrl(segs[1]!.id, visitA), { range: 'bytes=0-' });
    expect(views().map((r) => r.actor).sort()).toEqual(['user:manager-user', 'user:manager-user', 'user:safeguarding-lead-user']);
  });

  it("refuses a segment that is not tagged to the visit named, and audits the refusal", async () => {
    // The segment belongs to visit B; asking for it as visit A's footage is refused.
    expect(api.services.store.bookings.get(visitB)).toBeDefined();
    const res = await get(manager, segmentUrl(otherVisitSegment.id, visitA));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect(api.store.audit.list({ action: 'footage.view-refused' })[0]).toMatchObject({ subject: `booking:${visitA}`, details: { segmentId: otherVisitSegment.id } });
    expect((await get(manager, segmentUrl(otherVisitSegment.id, visitB))).statusCode).toBe(200);
    expect((await get(manager, `/api/footage/segments/${segs[0]!.id}`)).statusCode).toBe(400);
    expect((await get(manager, segmentUrl(999_999, visitA))).statusCode).toBe(404);
    expect((await get(manager, `/api/footage/segments/..%2F..%2Fetc%2Fpasswd?booking=${visitA}`)).statusCode).toBe(400);
  });

  it('refuses a segment whose file no longer matches the index size', async () => {
    writeFileSync(files[2]!, Buffer.concat([readFileSync(files[2]!), Buffer.from('appended')]));
    const res = await get(manager, segmentUrl(segs[2]!.id, visitA));
    expect(res.statusCode).toBe(409);
    expect(api.store.audit.list({ action: 'footage.integrity' })[0]).toMatchObject({ details: { segmentId: segs[2]!.id } });
  });
});
