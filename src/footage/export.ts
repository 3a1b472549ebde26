/**
 * Exports a visit's footage: one MP4 per camera joined by stream copy (ffmpeg concat
 * demuxer, no re-encode) from the segments tagged to the visit, plus a signed manifest
 * naming the visit, the time range, the cameras, each file's SHA-256, recording gaps and
 * camera clock skew, who exported it and when. Every segment's hash is checked against
 * the index first. Shared-room visits say that other families appear and carry the
 * safeguarding lead's sign-off. Audited as footage.export.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Clock } from '../clock.js';
import type { SiteConfig } from '../config/schema.js';
import { ContactdError, ErrorCodes } from '../errors.js';
import type { FootageRepo, Segment } from '../store/repos/footage.js';
import type { Store } from '../store/store.js';
import { concatArgs } from '../../devices/recorder/ffmpeg-args.js';
import { sha256OfFile } from './file-hash.js';
import { loadOrCreateSigningKey, MANIFEST_FILE, signManifest, type ManifestFile, type SignedManifest } from './manifest.js';
import { showsOtherFamilies } from './tagging.js';

export interface ExportRequest {
  bookingId: string;
  outDir: string;
  /** `user:<name>` or `cli:<os user>`. */
  actor: string;
  /** Name of the safeguarding lead who signed off a shared-room export. */
  signOffBy?: string;
}

export interface ExportDeps {
  store: Store;
  footage: FootageRepo;
  site: Pick<SiteConfig, 'cameras' | 'rooms'>;
  clock: Clock;
  dataDir: string;
  ffmpegPath?: string;
}

export const PERSONAL_DATA_NOTE =
  'contactd stores no addresses, phone numbers or schools of anyone; none are in this export. Only footage, times and the case reference leave.';

async function runFfmpeg(ffmpeg: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const p = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    p.once('error', reject);
    p.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${err.slice(-500)}`))));
  });
}

/** Segments whose file no longer matches the index hash (altered or damaged on disk). */
async function integrityProblems(segments: readonly Segment[]): Promise<string[]> {
  const bad: string[] = [];
  for (const s of segments) {
    const actual = await sha256OfFile(s.path).catch(() => undefined);
    if (!actual || actual.sha256 !== s.sha256) bad.push(`segment ${s.id} (${path.basename(s.path)}) ${actual ? 'does not match its recorded SHA-256' : 'is missing'}`);
  }
  return bad;
}

export async function exportVisit(d: ExportDeps, req: ExportRequest): Promise<SignedManifest> {
  const booking = d.store.bookings.get(req.bookingId);
  if (!booking) throw new ContactdError(ErrorCodes.NOT_FOUND, `no booking ${req.bookingId}`);
  const caseRecord = d.store.cases.get(booking.caseId);
  const shared = showsOtherFamilies(booking);
  if (shared && !req.signOffBy) {
    throw new ContactdError(ErrorCodes.FORBIDDEN, 'this visit was in a shared room: other families appear, so the export needs the safeguarding lead\'s sign-off');
  }
  const segments = d.footage.segmentsTagged('visit', booking.id);
  if (segments.length === 0) throw new ContactdError(ErrorCodes.NOT_FOUND, `no footage is tagged to booking ${booking.id}`);
  mkdirSync(req.outDir, { recursive: true });
  if (readdirSync(req.outDir).length > 0) throw new ContactdError(ErrorCodes.CONFLICT, `${req.outDir} is not empty`);

  const byCamera = new Map<string, Segment[]>();
  for (const s of segments) byCamera.set(s.cameraId, [...(byCamera.get(s.cameraId) ?? []), s]);
  const files: ManifestFile[] = [];
  const cameras = [];
  const listFile = path.join(d.dataDir, `.export-${process.pid}-${d.clock.now()}.txt`);
  try {
    for (const [cameraId, list] of byCamera) {
      const problems = await integrityProblems(list);
      if (problems.length > 0) throw new ContactdError(ErrorCodes.CONFLICT, `footage of ${cameraId} failed its integrity check: ${problems.join('; ')}`);
      writeFileSync(listFile, list.map((s) => `file '${s.path.replace(/'/g, "'\\''")}'\n`).join(''));
      const file = `${cameraId}.mp4`;
      await runFfmpeg(d.ffmpegPath ?? 'ffmpeg', concatArgs(listFile, path.join(req.outDir, file)));
      const { sha256, bytes } = await sha256OfFile(path.join(req.outDir, file));
      files.push({ file, sha256, bytes });
      const from = list[0]!.startAt;
      const to = list[list.length - 1]!.endAt;
      cameras.push({
        cameraId,
        name: d.site.cameras.find((c) => c.id === cameraId)?.name ?? cameraId,
        file,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        clockSkewMs: Math.max(...list.map((s) => Math.abs(s.skewMs))),
        segments: list.map((s) => ({ start: new Date(s.startAt).toISOString(), end: new Date(s.endAt).toISOString(), sha256: s.sha256 })),
        gaps: d.footage.gaps(cameraId, from, to).map((g) => ({ from: new Date(g.fromAt).toISOString(), to: new Date(g.toAt).toISOString(), reason: g.reason })),
      });
    }
  } catch (e) {
    rmSync(req.outDir, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(listFile, { force: true });
  }
  const exportedAt = new Date(d.clock.now()).toISOString();
  const manifest = signManifest(
    {
      format: 'contactd-export/1',
      visit: {
        bookingId: booking.id,
        caseReference: caseRecord?.reference ?? null,
        serviceType: booking.serviceType,
        roomId: booking.roomId,
        start: new Date(booking.start).toISOString(),
        end: new Date(booking.end).toISOString(),
      },
      timeRange: { from: cameras.map((c) => c.from).sort()[0], to: cameras.map((c) => c.to).sort().at(-1) },
      cameras,
      files,
      exportedBy: req.actor,
      exportedAt,
      sharedRoom: shared
        ? { otherFamiliesAppear: true, note: 'Supported contact in a shared room: other families appear in this footage.', signedOffBy: req.signOffBy ?? null }
        : { otherFamiliesAppear: false },
      personalData: PERSONAL_DATA_NOTE,
    },
    loadOrCreateSigningKey(d.dataDir),
  );
  writeFileSync(path.join(req.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  d.store.audit.append({
    actor: req.actor,
    action: 'footage.export',
    subject: `booking:${booking.id}`,
    details: { outDir: req.outDir, cameras: cameras.map((c) => c.cameraId), files, shared, signOffBy: req.signOffBy ?? null, keyFingerprint: manifest.signature.keyFingerprint },
  });
  return manifest;
}
