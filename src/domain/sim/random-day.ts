/**
 * A random day of bookings, accepted the way the bookings API would: booking rules, plan,
 * day check, and the nearest safe start when the asked one would let a pair meet.
 * Families may be linked by cross-family keep-apart pairs (court orders).
 */
import type { Booking, CaseRecord, Credential, KeepApartPair, Movement, Participant, RiskLevel, ServiceType, StaffRole } from '../model.js';
import type { SiteIndex } from '../site-index.js';
import type { PlanningSettings } from '../stagger.js';
import { checkBookingRules } from '../booking-rules.js';
import { planBooking } from '../planner.js';
import { checkDayPlan } from '../day-plan-check.js';
import { proposeSafeStart } from '../safe-start.js';
import { keepApartPairsOf } from '../stagger.js';
import { localTimeToEpoch } from '../local-time.js';
import { storedCredentialValue } from '../credentials.js';
import type { Rng } from './rng.js';

export interface SimDay {
  date: string;
  site: SiteIndex;
  planning: PlanningSettings;
  cases: CaseRecord[];
  bookings: Booking[];
  movements: Movement[];
  pairs: KeepApartPair[];
  credentials: Credential[];
  staff: Record<string, StaffRole[]>;
  /** Card value per person (cards are the only credential the simulated visitors carry). */
  cards: Record<string, string>;
}

export const SIM_RECEPTIONIST = 'sim-reception';

function family(i: number, rng: Rng): Participant[] {
  const people: Participant[] = [
    { personId: `child-${i}`, role: 'child' },
    { personId: `rp-${i}`, role: 'resident-parent' },
    { personId: `vp-${i}`, role: 'visiting-parent' },
  ];
  if (rng.chance(0.3)) people.push({ personId: `aa-${i}`, role: 'authorised-adult', party: rng.pick(['resident', 'visiting'] as const) });
  return people;
}

function randomCase(i: number, rng: Rng, site: SiteIndex, families: number): CaseRecord {
  const keepApart: KeepApartPair[] = [{ a: `rp-${i}`, b: `vp-${i}`, reason: 'parents' }];
  if (families > 1 && rng.chance(0.4)) {
    const j = rng.pick([...Array(families).keys()].filter((k) => k !== i));
    keepApart.push({ a: rng.pick([`rp-${i}`, `vp-${i}`]), b: rng.pick([`rp-${j}`, `vp-${j}`]), reason: 'court order across families' });
  }
  return {
    id: `case-${i}`,
    reference: `SIM-${i}`,
    familyName: `Family ${i}`,
    referral: { source: 'sim', receivedOn: '2020-01-01' },
    risk: { level: rng.pick<RiskLevel>(['low', 'medium', 'high']), assessedOn: '2020-01-01', reviewDue: '2999-12-31' },
    keepApart,
    settings: {
      firstToArrive: rng.pick(['visiting', 'resident'] as const),
      ...(rng.chance(0.5) ? { residentEntrance: rng.pick(site.entrances).id } : {}),
      ...(rng.chance(0.2) ? { gapMinutes: rng.int(5, 30) } : {}),
    },
    status: 'open',
  };
}

export function randomDay(rng: Rng, site: SiteIndex, date: string, planning: PlanningSettings): SimDay {
  const families = rng.int(1, 4);
  const cases = [...Array(families).keys()].map((i) => randomCase(i, rng, site, families));
  const bookings: Booking[] = [];
  const movements: Movement[] = [];
  const rooms = [...site.rooms.values()];
  for (const [i, caseRecord] of cases.entries()) {
    const room = rng.pick(rooms);
    const serviceType = rng.pick<ServiceType>(room.shared ? ['supported', 'supervised', 'handover'] : ['supervised', 'handover']);
    const start = localTimeToEpoch(date, `${String(rng.int(9, 15)).padStart(2, '0')}:${String(rng.int(0, 11) * 5).padStart(2, '0')}`, site.timezone);
    const booking: Booking = { id: `b-${i}`, caseId: caseRecord.id, roomId: room.id, serviceType, start, end: start + rng.int(4, 12) * 15 * 60_000, participants: family(i, rng), status: 'booked', ...(serviceType === 'supervised' ? { supervisorId: `sup-${i}` } : {}) };
    const pairs = keepApartPairsOf([...bookings, booking], cases);
    const input = { booking, caseRecord, site, planning, otherBookings: bookings, otherMovements: movements, pairs };
    const training = (['safeguarding', 'domestic-abuse'] as const).map((kind) => ({ id: `t-${i}-${kind}`, staffId: `sup-${i}`, kind, completedOn: '2020-01-01', expiresOn: '2999-12-31' }));
    const rules = checkBookingRules({ booking, caseRecord, supervisorTraining: training, existingBookings: bookings, site }, start - 86_400_000);
    const planned = planBooking(input);
    const clean = rules.length === 0 && planned.ok && checkDayPlan([...movements, ...planned.plan.movements], pairs, site).length === 0;
    const at = clean ? start : proposeSafeStart(input);
    if (at === undefined) continue;
    const accepted = { ...booking, start: at, end: at + (booking.end - booking.start) };
    const plan = planBooking({ ...input, booking: accepted });
    if (!plan.ok) continue;
    bookings.push(accepted);
    movements.push(...plan.plan.movements);
  }
  const cards: Record<string, string> = {};
  const credentials: Credential[] = bookings.flatMap((b) =>
    b.participants.map((p) => {
      cards[p.personId] = `card-${p.personId}`;
      return { id: `cred-${p.personId}`, personId: p.personId, kind: 'card' as const, value: storedCredentialValue('card', cards[p.personId]!), bookingId: b.id, issuedAt: 0 };
    }),
  );
  return {
    date,
    site,
    planning,
    cases,
    bookings,
    movements,
    pairs: keepApartPairsOf(bookings, cases),
    credentials,
    staff: { [SIM_RECEPTIONIST]: ['reception'] },
    cards,
  };
}
