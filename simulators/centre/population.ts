/**
 * The centre's families and each day's bookings, made through the real services: people,
 * cases with keep-apart pairs (the parents, a resident party's new partner and the
 * visiting parent inside a family, court orders across families), trained supervisors,
 * and bookings through BookingService. A refused booking is counted; when the refusal
 * proposes a safe start, the booking is retried there once. Each visitor gets a card
 * registered with issueVisitorCredential.
 */
import type { Participant, RiskLevel, ServiceType } from '../../src/domain/model.js';
import { localTimeToEpoch } from '../../src/domain/local-time.js';
import type { Rng } from '../../src/domain/sim/rng.js';
import { ContactdError } from '../../src/errors.js';
import type { Services } from '../../src/services/index.js';
import type { BookingView, NewBooking } from '../../src/services/bookings.js';
import { makeCard, type Card } from './rig.js';

export interface Family {
  caseId: string;
  participants: Participant[];
}

export interface Population {
  families: Family[];
  supervisors: string[];
  receptionistId: string;
  managerId: string;
  names: Map<string, string>;
}

export interface DayBookings {
  bookings: BookingView[];
  cards: Map<string, Card>;
  refused: number;
  movedToSafeStart: number;
  refusalCodes: Record<string, number>;
}

const ACTOR = 'simulate';
const FIRST = ['Ann', 'Ben', 'Cat', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kim', 'Lee', 'Max', 'Ned', 'Oli', 'Pam', 'Roy', 'Sam', 'Tia', 'Uma', 'Vic', 'Wyn'];
const LAST = ['Ashby', 'Brook', 'Carter', 'Dale', 'Ellis', 'Fox', 'Grant', 'Hale', 'Irwin', 'Joyce', 'Knox', 'Lowe', 'Moss', 'Nash', 'Orr', 'Page'];

export function createPopulation(s: Services, rng: Rng, familyCount: number): Population {
  const { store } = s;
  const names = new Map<string, string>();
  const person = (kind: 'child' | 'adult' | 'staff', fullName: string) => {
    const p = store.people.create({ kind, fullName });
    names.set(p.id, fullName);
    return p.id;
  };
  const receptionistId = person('staff', 'Rosa Reception');
  const managerId = person('staff', 'Mo Manager');
  const supervisors = [0, 1, 2].map((i) => person('staff', `${rng.pick(FIRST)} Supervisor-${i + 1}`));
  for (const id of supervisors) {
    for (const kind of ['safeguarding', 'domestic-abuse'] as const) store.training.add({ staffId: id, kind, completedOn: '2025-06-01', expiresOn: '2099-12-31' });
  }
  const families: Family[] = [];
  for (let i = 0; i < familyCount; i++) {
    const surname = `${LAST[i % LAST.length]}${i >= LAST.length ? `-${i}` : ''}`;
    const participants: Participant[] = [
      { personId: person('child', `${rng.pick(FIRST)} ${surname}`), role: 'child' },
      { personId: person('adult', `${rng.pick(FIRST)} ${surname} (RP)`), role: 'resident-parent' },
      { personId: person('adult', `${rng.pick(FIRST)} ${surname} (VP)`), role: 'visiting-parent' },
    ];
    if (rng.chance(0.25)) participants.push({ personId: person('adult', `${rng.pick(FIRST)} ${surname} (AA)`), role: 'authorised-adult', party: rng.pick(['resident', 'visiting'] as const) });
    const risk: RiskLevel = rng.pick(['low', 'medium', 'high'] as const);
    const c = store.cases.create({
      reference: `SIM-${i + 1}`,
      familyName: `${surname} family`,
      referral: { source: rng.pick(['court', 'solicitor', 'self']), receivedOn: '2025-09-01' },
      risk: { level: risk, assessedOn: '2025-09-01', reviewDue: '2099-12-31' },
      settings: {
        firstToArrive: rng.pick(['visiting', 'resident'] as const),
        ...(rng.chance(0.5) ? { residentEntrance: rng.pick(s.config.site.entrances).id } : {}),
        ...(rng.chance(0.2) ? { gapMinutes: rng.pick([10, 15, 20]) } : {}),
      },
    });
    const aa = participants.find((p) => p.role === 'authorised-adult' && p.party === 'resident');
    const vp = participants.find((p) => p.role === 'visiting-parent')!;
    // Inside the family: the resident parent's new partner must not meet the visiting parent.
    if (aa) store.cases.addKeepApart(c.id, { a: aa.personId, b: vp.personId, reason: 'risk assessment: new partner' });
    families.push({ caseId: c.id, participants });
  }
  // Across families: court orders between parents of different families.
  for (let k = 0; k < Math.max(1, Math.floor(familyCount / 3)); k++) {
    const [x, y] = [rng.int(0, familyCount - 1), rng.int(0, familyCount - 1)];
    if (x === y) continue;
    const adult = (f: Family) => rng.pick(f.participants.filter((p) => p.role === 'resident-parent' || p.role === 'visiting-parent')).personId;
    store.cases.addKeepApart(families[x]!.caseId, { a: adult(families[x]!), b: adult(families[y]!), reason: 'non-molestation order (across families)' });
  }
  return { families, supervisors, receptionistId, managerId, names };
}

/** Books the day's visits at a time when the centre is closed (the evening before). */
export function bookDay(s: Services, rng: Rng, pop: Population, date: string, nextCard: () => Card): DayBookings {
  const tz = s.config.site.timezone;
  const rooms = s.config.site.rooms;
  const day = s.config.site.openingHours[weekday(date, tz)] ?? [];
  const out: DayBookings = { bookings: [], cards: new Map(), refused: 0, movedToSafeStart: 0, refusalCodes: {} };
  if (day.length === 0) return out;
  const [open, close] = [toMinutes(day[0]![0]), toMinutes(day.at(-1)![1])];
  const count = rng.int(3, 6);
  const chosen = shuffle(rng, pop.families).slice(0, count);
  for (const [i, family] of chosen.entries()) {
    const room = rng.pick(rooms);
    const serviceType = rng.pick<ServiceType>(room.shared ? ['supported', 'supported', 'handover'] : ['supervised', 'supervised', 'handover']);
    const minutes = rng.pick([60, 90, 120]);
    // Room for arrivals before and departures after: about an hour each side.
    const latest = close - minutes - 75;
    const first = open + 60;
    if (latest < first) continue;
    const startMin = first + 15 * rng.int(0, Math.floor((latest - first) / 15));
    const start = localTimeToEpoch(date, hhmm(startMin), tz);
    const input = {
      caseId: family.caseId,
      roomId: room.id,
      serviceType,
      start,
      end: start + minutes * 60_000,
      participants: family.participants,
      ...(serviceType === 'supervised' ? { supervisorId: pop.supervisors[i % pop.supervisors.length]! } : {}),
    };
    const booked = tryBook(s, input, out);
    if (!booked) continue;
    out.bookings.push(booked);
    for (const p of booked.participants) {
      const card = nextCard();
      s.bookings.issueVisitorCredential(booked.id, { personId: p.personId, kind: 'card', value: card.id }, ACTOR);
      out.cards.set(p.personId, card);
    }
  }
  return out;
}

function tryBook(s: Services, input: NewBooking, out: DayBookings): BookingView | undefined {
  try {
    return s.bookings.create(input, ACTOR);
  } catch (e) {
    if (!(e instanceof ContactdError)) throw e;
    out.refused++;
    const details = e.details as { refusals?: { code: string }[]; proposedStart?: number } | undefined;
    for (const r of details?.refusals ?? []) out.refusalCodes[r.code] = (out.refusalCodes[r.code] ?? 0) + 1;
    const proposed = details?.proposedStart;
    if (proposed === undefined) return undefined;
    try {
      const moved = s.bookings.create({ ...input, start: proposed, end: proposed + (input.end - input.start) }, ACTOR);
      out.movedToSafeStart++;
      return moved;
    } catch (again) {
      if (!(again instanceof ContactdError)) throw again;
      out.refused++;
      return undefined;
    }
  }
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

function weekday(date: string, tz: string): (typeof WEEKDAYS)[number] {
  const noon = localTimeToEpoch(date, '12:00', tz);
  return WEEKDAYS[new Date(noon).getUTCDay()]!;
}

function toMinutes(hm: string): number {
  const [h, m] = hm.split(':').map(Number);
  return h! * 60 + m!;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function cardMaker(): () => Card {
  let n = 0;
  return () => {
    n++;
    return makeCard(100 + Math.floor(n / 60_000), 1 + (n % 60_000));
  };
}
