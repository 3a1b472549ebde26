/**
 * Bookings: checks, plans and stores a visit, or refuses it with reasons and the
 * nearest safe start. The rules and the plan are the pure domain's; this service only
 * gathers what they need from the store, persists the result, and audits it.
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { assessBooking } from '../domain/assess-booking.js';
import { storedCredentialValue } from '../domain/credentials.js';
import { formatLocalTime, localDate } from '../domain/local-time.js';
import type { Booking, CaseRecord, Credential, CredentialKind, Movement } from '../domain/model.js';
import type { SiteIndex } from '../domain/site-index.js';
import { keepApartPairsOf, partyOf } from '../domain/stagger.js';
import { ContactdError, ErrorCodes } from '../errors.js';
import type { EventBus } from '../bus.js';
import type { Store } from '../store/store.js';
import type { StoredBooking } from '../store/repos/bookings.js';

/**
 * What the person booking supplies; the id and status are the service's. `residentEntrance`
 * overrides the case's entrance for the resident party of this visit (the planner sends the
 * visiting party through another one).
 */
export type NewBooking = Omit<Booking, 'id' | 'status'> & { residentEntrance?: string };

/** What an edit may change; the case, service type and participants stay (cancel and rebook for those). */
export interface BookingChanges {
  start?: number;
  end?: number;
  roomId?: string;
  /** null removes the supervisor. */
  supervisorId?: string | null;
  residentEntrance?: string;
}

export interface BookingView extends StoredBooking {
  movements: Movement[];
  /** The entrance the plan sends the resident party through (derived from its movements). */
  residentEntrance?: string;
}

export function bookingService(deps: { store: Store; config: Readonly<Config>; site: SiteIndex; clock: Clock; bus: EventBus }) {
  const { store, config, site, clock, bus } = deps;
  const tz = site.timezone;

  const mustExist = (input: NewBooking) => {
    const caseRecord = store.cases.get(input.caseId);
    if (!caseRecord) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, `no case ${input.caseId}`);
    const ids = [...input.participants.map((p) => p.personId), ...(input.supervisorId ? [input.supervisorId] : [])];
    const found = new Map(store.people.getMany(ids).map((p) => [p.id, p]));
    for (const id of ids) if (!found.has(id)) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, `no person ${id}`);
    if (input.supervisorId && found.get(input.supervisorId)!.kind !== 'staff') {
      throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'the supervisor must be a member of staff');
    }
    if (new Set(input.participants.map((p) => p.personId)).size !== input.participants.length) {
      throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'a person is listed twice');
    }
    return caseRecord;
  };

  const knownEntrance = (id: string | undefined) => {
    if (id !== undefined && !site.entrances.some((e) => e.id === id)) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, `no entrance ${id}`);
    return id;
  };

  /**
   * The booking rules, the planner, the day check against the day's other visits (this
   * one excluded, so an edit is checked against everything but its old self), and the
   * nearest safe start on refusal: the same for a new booking and an edit.
   */
  const planOrRefuse = (booking: Booking, caseRecord: CaseRecord, residentEntrance: string | undefined, refused: { actor: string; action: string; subject: string }) => {
    const date = localDate(booking.start, tz);
    const others = store.bookings.listByDate(date).filter((b) => b.id !== booking.id);
    const otherMovements = others.flatMap((b) => store.bookings.movements(b.id));
    const caseIds = [...new Set([...others.map((b) => b.caseId), caseRecord.id])];
    const cases = caseIds.map((id) => store.cases.get(id)!).filter(Boolean);
    const pairs = [...keepApartPairsOf([...others, booking], cases), ...store.cases.allKeepApart()];
    const planningCase = residentEntrance ? { ...caseRecord, settings: { ...caseRecord.settings, residentEntrance } } : caseRecord;
    const assessment = assessBooking(
      {
        booking,
        caseRecord: planningCase,
        supervisorTraining: booking.supervisorId ? store.training.forStaff(booking.supervisorId) : [],
        site,
        planning: config.settings.planning,
        otherBookings: others,
        otherMovements,
        pairs,
      },
      clock.now(),
    );
    if (assessment.ok) return { plan: assessment.plan, date };
    const named = nameIds(store, assessment.conflicts.flatMap((c) => [c.a, c.b]));
    assessment.refusals = assessment.refusals.map((r) => ({ ...r, reason: named(r.reason) }));
    assessment.conflicts = assessment.conflicts.map((c) => ({ ...c, reason: named(c.reason) }));
    store.audit.append({
      actor: refused.actor,
      action: refused.action,
      subject: refused.subject,
      details: { codes: assessment.refusals.map((r) => r.code), start: booking.start, roomId: booking.roomId },
    });
    const proposed = assessment.proposedStart;
    const message =
      assessment.refusals.map((r) => r.reason).join(' ') + (proposed === undefined ? '' : ` The nearest safe start is ${formatLocalTime(proposed, tz)}.`);
    throw new ContactdError(ErrorCodes.BOOKING_REFUSED, message, {
      refusals: assessment.refusals,
      conflicts: assessment.conflicts,
      ...(proposed === undefined ? {} : { proposedStart: proposed, proposedStartLocal: formatLocalTime(proposed, tz) }),
    });
  };

  const view = (b: StoredBooking): BookingView => {
    const movements = store.bookings.movements(b.id);
    const residentEntrance = residentEntranceOf(site, b, movements);
    return { ...b, movements, ...(residentEntrance ? { residentEntrance } : {}) };
  };

  return {
    create(input: NewBooking, actor: string): BookingView {
      const { residentEntrance, ...fields } = input;
      const caseRecord = mustExist(fields);
      const booking: Booking = { id: store.bookings.newId(), status: 'booked', ...fields };
      const { plan, date } = planOrRefuse(booking, caseRecord, knownEntrance(residentEntrance), { actor, action: 'booking.refused', subject: `case:${caseRecord.id}` });
      store.db.transaction(() => {
        store.bookings.create({ ...booking, localDate: date }, plan.movements);
        store.audit.append({
          actor,
          action: 'booking.create',
          subject: `booking:${booking.id}`,
          details: { caseId: booking.caseId, roomId: booking.roomId, start: booking.start, end: booking.end, movements: plan.movements.length },
        });
      })();
      bus.emit('bookings-changed', { bookingId: booking.id, reason: 'created' });
      return this.get(booking.id);
    },

    /**
     * Moves a visit that has not begun (new times, room, supervisor or entrance): the same
     * rules, planner and day check as a new booking, refused with the same codes and the
     * nearest safe start. The plan's movements are replaced; credentials stay with the
     * booking, and 'bookings-changed' makes the access core reload, the controllers get
     * the new windows pushed, and the footage be retagged.
     */
    edit(id: string, changes: BookingChanges, actor: string): BookingView {
      const current = this.get(id);
      if (current.status !== 'booked') throw new ContactdError(ErrorCodes.CONFLICT, 'the booking is cancelled; book a new visit instead', { reason: 'cancelled' });
      const firstWindow = Math.min(current.start, ...current.movements.map((m) => m.windowStart));
      if (clock.now() >= firstWindow) {
        throw new ContactdError(ErrorCodes.CONFLICT, `this visit has begun (its first arrival window opened at ${formatLocalTime(firstWindow, tz)}); it can no longer be moved`, {
          reason: 'started',
        });
      }
      const { supervisorId: newSupervisor, residentEntrance: newEntrance, ...times } = changes;
      const supervisorId = newSupervisor === null ? undefined : (newSupervisor ?? current.supervisorId);
      const { localDate: _oldDate, movements: _oldMovements, residentEntrance: oldEntrance, ...base } = current;
      const booking: Booking = { ...base, ...times, ...(supervisorId ? { supervisorId } : {}) };
      if (!supervisorId) delete booking.supervisorId;
      const caseRecord = mustExist(booking);
      const residentEntrance = knownEntrance(newEntrance) ?? oldEntrance;
      const { plan, date } = planOrRefuse(booking, caseRecord, residentEntrance, { actor, action: 'booking.edit-refused', subject: `booking:${id}` });
      const before = { start: current.start, end: current.end, roomId: current.roomId, supervisorId: current.supervisorId ?? null, residentEntrance: oldEntrance ?? null };
      store.db.transaction(() => {
        store.bookings.reschedule(id, { start: booking.start, end: booking.end, localDate: date, roomId: booking.roomId, ...(supervisorId ? { supervisorId } : {}) });
        store.bookings.replaceMovements(id, plan.movements);
        store.audit.append({
          actor,
          action: 'booking.edit',
          subject: `booking:${id}`,
          details: {
            before,
            after: { start: booking.start, end: booking.end, roomId: booking.roomId, supervisorId: supervisorId ?? null, residentEntrance: plan.entrances.resident.id },
            movements: plan.movements.length,
          },
        });
      })();
      bus.emit('bookings-changed', { bookingId: id, reason: 'edited' });
      return this.get(id);
    },

    get(id: string): BookingView {
      const booking = store.bookings.get(id);
      if (!booking) throw new ContactdError(ErrorCodes.NOT_FOUND, `no booking ${id}`);
      return view(booking);
    },

    listByDate(date: string): BookingView[] {
      return store.bookings.listByDate(date).map(view);
    },

    /** Cancels the visit and revokes its visitor credentials at once. */
    cancel(id: string, reason: string, actor: string): BookingView {
      const booking = this.get(id);
      if (booking.status === 'cancelled') return booking;
      store.db.transaction(() => {
        store.bookings.cancel(id);
        for (const c of store.credentials.forBooking(id)) if (c.revokedAt === undefined) store.credentials.revoke(c.id);
        store.audit.append({ actor, action: 'booking.cancel', subject: `booking:${id}`, details: { reason } });
      })();
      bus.emit('bookings-changed', { bookingId: id, reason: 'cancelled' });
      return this.get(id);
    },

    /** Registers a visitor's card, PIN or QR payload for one booking's movements. */
    issueVisitorCredential(bookingId: string, input: { personId: string; kind: CredentialKind; value: string }, actor: string): Credential {
      const booking = this.get(bookingId);
      if (booking.status !== 'booked') throw new ContactdError(ErrorCodes.CONFLICT, 'the booking is cancelled');
      if (!booking.participants.some((p) => p.personId === input.personId)) {
        throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'that person is not a participant of this booking');
      }
      const value = storedCredentialValue(input.kind, input.value);
      if (store.credentials.findActiveByValue(input.kind, value)) {
        throw new ContactdError(ErrorCodes.CONFLICT, `that ${input.kind} is already in use; revoke the old credential first`);
      }
      const credential = store.db.transaction(() => {
        const c = store.credentials.issue({ personId: input.personId, kind: input.kind, value, bookingId });
        store.audit.append({ actor, action: 'credential.issue', subject: `credential:${c.id}`, details: { bookingId, personId: input.personId, kind: input.kind } });
        return c;
      })();
      bus.emit('credentials-changed', { credentialId: credential.id, reason: 'issued' });
      return redact(credential);
    },

    issueStaffCredential(staffId: string, input: { kind: CredentialKind; value: string; schedule?: Credential['schedule'] }, actor: string): Credential {
      const person = store.people.get(staffId);
      if (!person || person.kind !== 'staff') throw new ContactdError(ErrorCodes.NOT_FOUND, `no staff member ${staffId}`);
      const value = storedCredentialValue(input.kind, input.value);
      if (store.credentials.findActiveByValue(input.kind, value)) throw new ContactdError(ErrorCodes.CONFLICT, `that ${input.kind} is already in use`);
      const credential = store.db.transaction(() => {
        const c = store.credentials.issue({ personId: staffId, kind: input.kind, value, ...(input.schedule ? { schedule: input.schedule } : {}) });
        store.audit.append({ actor, action: 'credential.issue', subject: `credential:${c.id}`, details: { staffId, kind: input.kind } });
        return c;
      })();
      bus.emit('credentials-changed', { credentialId: credential.id, reason: 'issued' });
      return redact(credential);
    },

    revokeCredential(id: string, reason: string, actor: string): Credential {
      const existing = store.credentials.get(id);
      if (!existing) throw new ContactdError(ErrorCodes.NOT_FOUND, `no credential ${id}`);
      const revoked = store.db.transaction(() => {
        const c = store.credentials.revoke(id)!;
        store.audit.append({ actor, action: 'credential.revoke', subject: `credential:${id}`, details: { reason } });
        return c;
      })();
      bus.emit('credentials-changed', { credentialId: id, reason: 'revoked' });
      return redact(revoked);
    },
  };
}

/** The entrance whose doors the resident party's planned arrival passes, in order. */
function residentEntranceOf(site: SiteIndex, booking: Booking, movements: readonly Movement[]): string | undefined {
  const lead = booking.participants.find((p) => partyOf(p) === 'resident');
  if (!lead) return undefined;
  const doors = movements.filter((m) => m.personId === lead.personId && m.purpose === 'arrival').sort((a, b) => a.windowStart - b.windowStart).map((m) => m.doorId);
  return site.entrances.find((e) => e.doors.join('|') === doors.join('|'))?.id ?? site.entrances.find((e) => e.doors[0] === doors[0])?.id;
}

/** The domain names people by id; the person booking reads names. */
function nameIds(store: Store, ids: readonly string[]): (text: string) => string {
  const people = store.people.getMany([...new Set(ids)]);
  return (text) => people.reduce((t, p) => t.split(p.id).join(p.fullName), text);
}

/** PIN and QR hashes never leave the daemon. */
function redact(c: Credential): Credential {
  return c.kind === 'card' ? c : { ...c, value: '[hashed]' };
}

export type BookingService = ReturnType<typeof bookingService>;
