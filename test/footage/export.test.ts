/**
 * Export and verify on real recorded segments: record a few seconds from the simulator's
 * RTSP stream with real ffmpeg, index them as a visit's footage, export one MP4 per
 * camera with a signed manifest, then change things and see verify catch each change.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { generateKeyPairSync } from 'node:crypto';
import { systemClock } from '../../src/clock.js';
import { ContactdError } from '../../src/errors.js';
import { exportVisit } from '../../src/footage/export.js';
import { MANIFEST_FILE, signManifest, verifyExportDir, type SignedManifest } from '../../src/footage/manifest.js';
import { CameraRecorder, type ClosedSegment } from '../../devices/recorder/camera-recorder.js';
import { RtspTestServer } from '../../simulators/onvif/rtsp-stream.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { requireVideoTools, until } from '../recorder/tools.js';
import { footageFixture, MIN, START } from './fixture.js';

const have = requireVideoTools();

describe.skipIf(!have)('export and verify on real segments', () => {
  let recorded: ClosedSegment[] = [];
  beforeAll(async () => {
    const rtsp = new RtspTestServer({ mounts: ['exp'] });
    await rtsp.start();
    rtsp.publish({ name: 'exp' });
    await new Promise((r) => setTimeout(r, 2000));
    const segments: ClosedSegment[] = [];
    const rec = new CameraRecorder({
      cameraId: 'exp', streamUri: () => rtsp.uri('exp'), skewMs: () => 0, footageDir: tempDir('contactd-exp-rec-'), segmentSeconds: 1, backoffMs: 200,
      clock: systemClock, logger: pino({ level: 'silent' }), sink: { segmentClosed: (s) => segments.push(s), gap: () => undefined },
    });
    rec.start();
    await until(() => segments.length >= 3, 30_000);
    await rec.stop();
    await rtsp.stop();
    recorded = segments;
  }, 60_000);
  afterAll(() => removeTempDirs());

  function visitWithFootage(opts: { serviceType?: 'supported' | 'supervised' } = {}) {
    const f = footageFixture(opts);
    // The real files, indexed as room 1's footage during the visit and the entrance camera while waiting.
    recorded.forEach((s, i) => {
      f.tagger.segmentClosed({ ...s, cameraId: 'cam-room-1', startAt: START + (10 + i) * MIN, endAt: START + (11 + i) * MIN });
    });
    const copy = path.join(f.footageDir, 'entrance-copy.mp4');
    writeFileSync(copy, readFileSync(recorded[0]!.path));
    f.tagger.segmentClosed({ ...recorded[0]!, path: copy, cameraId: 'cam-entrance-a', startAt: START - 15 * MIN, endAt: START - 14 * MIN });
    const deps = { store: f.store, footage: f.footage, site: f.config.site, clock: f.clock, dataDir: f.dir };
    return { f, deps };
  }

  it('writes one stream-copied MP4 per camera and a signed manifest that verifies', async () => {
    const { f, deps } = visitWithFootage();
    const out = path.join(tempDir('contactd-export-'), 'visit');
    const manifest = await exportVisit(deps, { bookingId: f.booking.id, outDir: out, actor: 'user:manager1' });
    expect(manifest.files.map((x) => x.file).sort()).toEqual(['cam-entrance-a.mp4', 'cam-room-1.mp4']);
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'csv=p=0', path.join(out, 'cam-room-1.mp4')]).stdout.toString();
    expect(probe).toContain('h264');
    const durationOf = (file: string) => Number(spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]).stdout.toString());
    const sum = recorded.reduce((n, s) => n + durationOf(s.path), 0);
    // All the visit's segments, joined without re-encoding: the same length as their sum.
    expect(Math.abs(durationOf(path.join(out, 'cam-room-1.mp4')) - sum)).toBeLessThan(0.5);
    const onDisk = JSON.parse(readFileSync(path.join(out, MANIFEST_FILE), 'utf8')) as SignedManifest;
    expect(onDisk).toMatchObject({ exportedBy: 'user:manager1', visit: { bookingId: f.booking.id, caseReference: 'FT-1' }, sharedRoom: { otherFamiliesAppear: false } });
    expect(String(onDisk.personalData)).toMatch(/no addresses, phone numbers or schools/);
    expect((await verifyExportDir(out, manifest.signature.keyFingerprint)).ok).toBe(true);
    const audit = f.store.audit.list({ action: 'footage.export' });
    expect(audit[0]).toMatchObject({ actor: 'user:manager1', subject: `booking:${f.booking.id}` });
  }, 60_000);

  it('verify catches a changed file, an edited manifest, an added file and a foreign key', async () => {
    const { f, deps } = visitWithFootage();
    const exportTo = async () => {
      const out = path.join(tempDir('contactd-export-'), 'visit');
      const m = await exportVisit(deps, { bookingId: f.booking.id, outDir: out, actor: 'cli:test' });
      return { out, m };
    };
    const a = await exportTo();
    appendFileSync(path.join(a.out, 'cam-room-1.mp4'), Buffer.from([0]));
    expect((await verifyExportDir(a.out)).problems).toEqual(['cam-room-1.mp4: content changed (SHA-256 or size differs)']);

    const b = await exportTo();
    const text = readFileSync(path.join(b.out, MANIFEST_FILE), 'utf8').replace('"cli:test"', '"cli:someone-else"');
    writeFileSync(path.join(b.out, MANIFEST_FILE), text);
    expect((await verifyExportDir(b.out)).problems).toEqual(['signature does not match the manifest (the manifest was changed)']);

    const c = await exportTo();
    writeFileSync(path.join(c.out, 'extra.mp4'), 'x');
    expect((await verifyExportDir(c.out)).problems).toEqual(['extra.mp4: not in the manifest (added)']);

    const d = await exportTo();
    const { signature: _s, ...body } = JSON.parse(readFileSync(path.join(d.out, MANIFEST_FILE), 'utf8')) as SignedManifest;
    const forged = signManifest(body as Parameters<typeof signManifest>[0], generateKeyPairSync('ed25519').privateKey);
    writeFileSync(path.join(d.out, MANIFEST_FILE), JSON.stringify(forged));
    expect((await verifyExportDir(d.out)).ok).toBe(true);
    expect((await verifyExportDir(d.out, d.m.signature.keyFingerprint)).problems[0]).toMatch(/not this centre's key/);
  }, 60_000);

  it('a shared-room visit needs the safeguarding lead\'s sign-off and says other families appear', async () => {
    const { f, deps } = visitWithFootage({ serviceType: 'supported' });
    const out = path.join(tempDir('contactd-export-'), 'visit');
    await expect(exportVisit(deps, { bookingId: f.booking.id, outDir: out, actor: 'user:m' })).rejects.toBeInstanceOf(ContactdError);
    const m = await exportVisit(deps, { bookingId: f.booking.id, outDir: out, actor: 'user:lead', signOffBy: 'user:lead' });
    expect(m.sharedRoom).toMatchObject({ otherFamiliesAppear: true, signedOffBy: 'user:lead' });
  }, 60_000);

  it('refuses to export footage whose file no longer matches its recorded hash', async () => {
    const { f, deps } = visitWithFootage();
    const seg = f.footage.segmentsTagged('visit', f.booking.id).find((s) => s.cameraId === 'cam-entrance-a')!;
    appendFileSync(seg.path, 'tampered');
    const out = path.join(tempDir('contactd-export-'), 'visit');
    await expect(exportVisit(deps, { bookingId: f.booking.id, outDir: out, actor: 'user:m' })).rejects.toThrow(/integrity/);
  }, 60_000);
});
