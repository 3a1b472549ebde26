/** A store with the demo site, one case and one visit in room 1 with planned movements, for the footage tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { ManualClock } from '../../src/clock.js';
import type { Movement } from '../../src/domain/model.js';
import { footageRepo } from '../../src/store/repos/footage.js';
import { openStore } from '../../src/store/store.js';
import { createFootageTagger } from '../../src/footage/tagger.js';
import { testConfig } from '../helpers/config.js';
import { tempDir } from '../helpers/tmp.js';
import { lowRiskCase } from '../helpers/cases.js';

export const MIN = 60_000;
export const START = Date.parse('2026-11-07T10:30:00Z');

export function footageFixture(opts: { serviceType?: 'supported' | 'supervised'; roomId?: string } = {}) {
  const dir = tempDir('contactd-footage-');
  const config = testConfig(dir);
  const clock = new ManualClock(START - 2 * 3_600_000);
  const store = openStore(dir, clock);
  store.site.sync(config.site);
  const footage = footageRepo(store.db, () => clock.now());
  const person = (kind: 'child' | 'adult', fullName: string) => store.people.create({ kind, fullName });
  const child = person('child', 'Cara Child');
  const resident = person('adult', 'Rita Resident');
  const visiting = person('adult', 'Victor Visiting');
  const caseRecord = lowRiskCase(store, 'FT-1', 'Family Footage');
  const bookingId = store.bookings.newId();
  const mv = (personId: string, doorId: string, fromZone: string, toZone: string, purpose: Movement['purpose'], from: number, to: number): Movement => ({
    id: store.bookings.newId(), bookingId, personId, doorId, fromZone, toZone, purpose, windowStart: START + from * MIN, windowEnd: START + to * MIN,
  });
  // The resident parent comes in through entrance A, waits, goes to room 1, leaves at the end.
  const movements = [
    mv(resident.id, 'door-a1', 'carpark-a', 'lobby-a', 'arrival', -30, -25),
    mv(resident.id, 'door-a2', 'lobby-a', 'waiting-a', 'arrival', -25, -20),
    mv(resident.id, 'door-a3', 'waiting-a', 'room-1', 'to-room', -5, 0),
    mv(resident.id, 'door-a3', 'room-1', 'waiting-a', 'from-room', 60, 65),
    mv(resident.id, 'door-a2', 'waiting-a', 'lobby-a', 'departure', 65, 70),
    mv(resident.id, 'door-a1', 'lobby-a', 'carpark-a', 'departure', 70, 75),
  ];
  const booking = store.bookings.create(
    {
      id: bookingId,
      caseId: caseRecord.id,
      roomId: opts.roomId ?? 'room-1',
      serviceType: opts.serviceType ?? 'supervised',
      start: START,
      end: START + 60 * MIN,
      localDate: '2026-11-07',
      participants: [
        { personId: child.id, role: 'child' },
        { personId: resident.id, role: 'resident-parent' },
        { personId: visiting.id, role: 'visiting-parent' },
      ],
      status: 'booked',
    },
    movements,
  );
  const tagger = createFootageTagger({ store, footage, site: config.site, clock, logger: pino({ level: 'silent' }), evidence: { beforeSeconds: 60, afterSeconds: 240 } });
  const footageDir = path.join(dir, 'footage');
  mkdirSync(footageDir, { recursive: true });
  let n = 0;
  /** Writes a small file standing for a segment and indexes it through the tagger, as the recorder does. */
  const closeSegment = (cameraId: string, fromMin: number, toMin: number) => {
    const file = path.join(footageDir, `${cameraId}-${n++}.mp4`);
    const bytes = Buffer.from(`segment ${cameraId} ${fromMin}-${toMin}`);
    writeFileSync(file, bytes);
    return tagger.segmentClosed({ cameraId, startAt: START + fromMin * MIN, endAt: START + toMin * MIN, path: file, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), skewMs: 0 });
  };
  return { dir, config, clock, store, footage, tagger, booking, caseRecord, closeSegment, footageDir };
}
