/** Bookings with their participants and the planned movements the planner made for them. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.js';
import type { Booking, Movement, Participant, ServiceType } from '../../domain/model.js';

interface Row {
  id: string;
  case_id: string;
  room_id: string;
  service_type: ServiceType;
  start_at: number;
  end_at: number;
  local_date: string;
  supervisor_id: string | null;
  status: 'booked' | 'cancelled';
}

interface ParticipantRow {
  booking_id: string;
  person_id: string;
  role: Participant['role'];
  party: Participant['party'] | null;
}

interface MovementRow {
  id: string;
  booking_id: string;
  person_id: string;
  door_id: string;
  from_zone: string;
  to_zone: string;
  purpose: Movement['purpose'];
  window_start: number;
  window_end: number;
  after_json: string | null;
}

export interface StoredBooking extends Booking {
  localDate: string;
}

const toMovement = (r: MovementRow): Movement => ({
  id: r.id,
  bookingId: r.booking_id,
  personId: r.person_id,
  doorId: r.door_id,
  fromZone: r.from_zone,
  toZone: r.to_zone,
  purpose: r.purpose,
  windowStart: r.window_start,
  windowEnd: r.window_end,
  ...(r.after_json ? { after: JSON.parse(r.after_json) as Movement['after'] } : {}),
});

export function bookingsRepo(db: Db, now: () => number) {
  // Prepared once: the footage tagger asks these for every closed segment and every sighting.
  const overlappingStmt = db.prepare("SELECT * FROM bookings WHERE status = 'booked' AND start_at < ? AND end_at > ? ORDER BY start_at");
  const movementsStmt = db.prepare('SELECT * FROM movements WHERE booking_id = ? ORDER BY window_start, id');
  const participantsOf = (ids: string[]): Map<string, Participant[]> => {
    const out = new Map<string, Participant[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = db
      .prepare(`SELECT * FROM booking_participants WHERE booking_id IN (${ids.map(() => '?').join(',')})`)
      .all(...ids) as ParticipantRow[];
    for (const r of rows) {
      out.get(r.booking_id)!.push({ personId: r.person_id, role: r.role, ...(r.party ? { party: r.party } : {}) });
    }
    return out;
  };
  const hydrate = (rows: Row[]): StoredBooking[] => {
    const parts = participantsOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      roomId: r.room_id,
      serviceType: r.service_type,
      start: r.start_at,
      end: r.end_at,
      localDate: r.local_date,
      participants: parts.get(r.id) ?? [],
      ...(r.supervisor_id ? { supervisorId: r.supervisor_id } : {}),
      status: r.status,
    }));
  };
  const insertMovement = db.prepare(
    `INSERT INTO movements (id, booking_id, person_id, door_id, from_zone, to_zone, purpose, window_start, window_end, after_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );

  const repo = {
    newId: (): string => randomUUID(),
    /** Inserts a booking and its movements in one transaction (the caller has planned and checked it). */
    create(booking: Booking & { localDate: string }, movements: readonly Movement[]): StoredBooking {
      db.transaction(() => {
        const t = now();
        db.prepare(
          `INSERT INTO bookings (id, case_id, room_id, service_type, start_at, end_at, local_date, supervisor_id, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          booking.id,
          booking.caseId,
          booking.roomId,
          booking.serviceType,
          booking.start,
          booking.end,
          booking.localDate,
          booking.supervisorId ?? null,
          booking.status,
          t,
          t,
        );
        const addPart = db.prepare('INSERT INTO booking_participants (booking_id, person_id, role, party) VALUES (?, ?, ?, ?)');
        for (const p of booking.participants) addPart.run(booking.id, p.personId, p.role, p.party ?? null);
        repo.replaceMovements(booking.id, movements);
      })();
      return repo.get(booking.id)!;
    },
    get(id: string): StoredBooking | undefined {
      const row = db.prepare('SELECT * FROM bookings WHERE id = ?').get(id) as Row | undefined;
      return row ? hydrate([row])[0] : undefined;
    },
    listByDate(localDate: string, opts: { includeCancelled?: boolean } = {}): StoredBooking[] {
      const rows = db
        .prepare(`SELECT * FROM bookings WHERE local_date = ? ${opts.includeCancelled ? '' : "AND status = 'booked'"} ORDER BY start_at`)
        .all(localDate) as Row[];
      return hydrate(rows);
    },
    /** Booked visits whose times overlap [from, to). */
    listOverlapping(from: number, to: number): StoredBooking[] {
      return hydrate(overlappingStmt.all(to, from) as Row[]);
    },
    /** Moves a booked visit (times, day, room, supervisor); the caller re-plans and replaces its movements in the same transaction. */
    reschedule(id: string, c: { start: number; end: number; localDate: string; roomId: string; supervisorId?: string }): StoredBooking | undefined {
      db.prepare('UPDATE bookings SET start_at = ?, end_at = ?, local_date = ?, room_id = ?, supervisor_id = ?, updated_at = ? WHERE id = ?').run(
        c.start,
        c.end,
        c.localDate,
        c.roomId,
        c.supervisorId ?? null,
        now(),
        id,
      );
      return repo.get(id);
    },
    cancel(id: string): StoredBooking | undefined {
      db.prepare("UPDATE bookings SET status = 'cancelled', updated_at = ? WHERE id = ?").run(now(), id);
      return repo.get(id);
    },
    replaceMovements(bookingId: string, movements: readonly Movement[]): void {
      db.transaction(() => {
        db.prepare('DELETE FROM movements WHERE booking_id = ?').run(bookingId);
        for (const m of movements) {
          insertMovement.run(
            m.id,
            bookingId,
            m.personId,
            m.doorId,
            m.fromZone,
            m.toZone,
            m.purpose,
            m.windowStart,
            m.windowEnd,
            m.after ? JSON.stringify(m.after) : null,
          );
        }
      })();
    },
    movements(bookingId: string): Movement[] {
      return (movementsStmt.all(bookingId) as MovementRow[]).map(toMovement);
    },
    /** Movements of booked (not cancelled) visits whose windows touch [from, to). */
    movementsBetween(from: number, to: number): Movement[] {
      return (
        db
          .prepare(
            `SELECT m.* FROM movements m JOIN bookings b ON b.id = m.booking_id
             WHERE b.status = 'booked' AND m.window_start < ? AND m.window_end > ? ORDER BY m.window_start`,
          )
          .all(to, from) as MovementRow[]
      ).map(toMovement);
    },
  };
  return repo;
}

export type BookingsRepo = ReturnType<typeof bookingsRepo>;
