/** A low-risk court-referred case for tests that need a family on file and nothing more. */
import type { Store } from '../../src/store/store.js';

export function lowRiskCase(store: Store, reference: string, familyName = `Family ${reference}`) {
  return store.cases.create({
    reference,
    familyName,
    referral: { source: 'court', receivedOn: '2026-09-01' },
    risk: { level: 'low', assessedOn: '2026-09-01', reviewDue: '2027-01-01' },
    settings: { firstToArrive: 'visiting' },
  });
}
