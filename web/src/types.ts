/** Shapes of what the REST routes and the live channel send (docs/live.md, src/api/routes). */
export type Role = 'reception' | 'supervisor' | 'manager' | 'safeguarding-lead' | 'admin';

export interface SessionInfo {
  user: { id: string; username: string; role: Role };
  csrfToken: string;
}

export interface Zone {
  id: string;
  name: string;
  kind: string;
}

export interface Site {
  id: string;
  name: string;
  timezone: string;
  zones: Zone[];
  rooms: { id: string; name: string; zone: string; capacity: number; shared: boolean }[];
  doors: { id: string; name: string; from: string; to: string }[];
  cameras: { id: string; name: string; zones: string[] }[];
  entrances?: { id: string; name: string; doors: string[]; waitingZone: string }[];
}

export interface DoorView {
  id: string;
  name: string;
  from: string;
  to: string;
  open: boolean;
  unlocked: boolean;
  unlockedUntil: number | null;
  /** Present when the server reports controller availability. */
  online?: boolean;
}

export interface Occupant {
  personId: string;
  initials: string;
  /** Zones this person could be in now (one: known). */
  zones: string[];
}

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertView {
  id: string;
  kind: string;
  severity: Severity;
  text: string;
  zoneId?: string;
  doorId?: string;
  source: string;
  raisedAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolvedBy?: string;
  note?: string;
  escalatedAt?: number;
  footage?: { cameraId: string; from: number; to: number }[];
}

export interface NoticeView {
  kind: 'hold' | 'early' | 'late' | 'wrong-door' | 'unknown-credential' | 'release-countdown' | 'lockdown';
  text: string;
  doorId?: string;
  personId?: string;
  until?: number;
  at: number;
}

export interface DecisionView {
  outcome: 'granted' | 'denied' | 'held' | 'recorded';
  code: string;
  reason: string;
  doorId?: string;
  personId?: string;
  movementId?: string;
  at: number;
}

export interface LockdownView {
  active: boolean;
  by?: string;
  reason?: string;
  at?: number;
}

export interface MovementView {
  id: string;
  bookingId: string;
  personId: string;
  doorId: string;
  fromZone: string;
  toZone: string;
  purpose: 'arrival' | 'to-room' | 'from-room' | 'departure';
  windowStart: number;
  windowEnd: number;
  after?: { personId: string; doorId: string; gapMs: number };
  doorName?: string;
  toZoneName?: string;
  windowStartLocal?: string;
  windowEndLocal?: string;
}

export interface BookingView {
  id: string;
  caseId: string;
  roomId: string;
  serviceType: 'supported' | 'supervised' | 'handover';
  start: number;
  end: number;
  startLocal?: string;
  endLocal?: string;
  participants: { personId: string; role: string; party?: string }[];
  supervisorId?: string;
  status: 'booked' | 'cancelled';
  movements: MovementView[];
  /** The entrance the resident party was planned through. */
  residentEntrance?: string;
  localDate?: string;
}

export interface PersonView {
  id: string;
  kind: 'child' | 'adult' | 'staff';
  fullName: string;
  initials: string;
}

export interface LiveMessage {
  seq: number;
  type: 'decision' | 'door' | 'occupancy' | 'notice' | 'alert' | 'lockdown' | 'booking';
  at: number;
  data: unknown;
}

/** data of a 'booking' live message: a booking created, edited or cancelled at any desk. */
export interface BookingChange {
  bookingId: string;
  reason: string;
  localDate: string;
  booking: BookingView & { localDate: string };
}
