/** Shared test data: the demo centre, one case, one booking, and small builders. */
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { Booking, CaseRecord, TrainingRecord } from '../../src/domain/model.js';
import { indexSite } from '../../src/domain/site-index.js';
import { localTimeToEpoch } from '../../src/domain/local-time.js';

export const demoConfig: Readonly<Config> = parseConfig(JSON.parse(readFileSync(new URL('../../config/default.json', import.meta.url), 'utf8')));
export const demo = indexSite(demoConfig.site);
export const planning = demoConfig.settings.planning;
export const TZ = 'Europe/London';

/** Epoch ms of a London wall-clock time. */
export function at(date: string, hhmm: string): number {
  return localTimeToEpoch(date, hhmm, TZ);
}

export const MIN = 60_000;

export function aCase(over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: 'case-1',
    reference: 'CC-001',
    familyName: 'Smith',
    referral: { source: 'court', receivedOn: '2026-01-01' },
    risk: { level: 'low', assessedOn: '2026-01-01', reviewDue: '2027-01-01' },
    keepApart: [{ a: 'rp-1', b: 'vp-1', reason: 'non-molestation order' }],
    settings: { firstToArrive: 'visiting' },
    status: 'open',
    ...over,
  };
}

export function aBooking(over: Partial<Booking> = {}): Booking {
  return {
    id: 'b-1',
    caseId: 'case-1',
    roomId: 'room-2',
    serviceType: 'supervised',
    start: at('2026-12-05', '10:30'),
    end: at('2026-12-05', '12:30'),
    participants: [
      { personId: 'child-1', role: 'child' },
      { personId: 'rp-1', role: 'resident-parent' },
      { personId: 'vp-1', role: 'visiting-parent' },
    ],
    supervisorId: 'sup-1',
    status: 'booked',
    ...over,
  };
}

export function training(staffId: string, expiresOn: string): TrainingRecord[] {
  return (['safeguarding', 'domestic-abuse'] as const).map((kind) => ({
    id: `${staffId}-${kind}`,
    staffId,
    kind,
    completedOn: '2026-01-01',
    expiresOn,
  }));
}
