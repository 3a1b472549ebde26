/**
 * The domain's records: people, cases, bookings, credentials and planned movements.
 * Plain data, no behaviour; the store persists exactly these shapes and the pure rules
 * in src/domain read them. Times are epoch milliseconds (UTC instants); local dates
 * ('YYYY-MM-DD') are in the site's timezone.
 */

export type PersonKind = 'child' | 'adult' | 'staff';

export interface Person {
  id: string;
  kind: PersonKind;
  /** Full name: shown only to roles that may see it, never on a visitor-facing screen. */
  fullName: string;
  /** What a screen visible to visitors shows instead of the name. */
  initials: string;
}

export type StaffRole = 'reception' | 'supervisor' | 'manager' | 'safeguarding-lead' | 'admin';

export type TrainingKind = 'safeguarding' | 'domestic-abuse' | 'first-aid';

export interface TrainingRecord {
  id: string;
  staffId: string;
  kind: TrainingKind;
  completedOn: string;
  expiresOn: string;
}

export type RiskLevel = 'low' | 'medium' | 'high';

/** Two people who must never be in the same zone at the same time. Pairs may span cases. */
export interface KeepApartPair {
  a: string;
  b: string;
  reason: string;
}

export interface CaseSettings {
  /** Which parent arrives first; the other arrives `gapMinutes` later and leaves first. */
  firstToArrive: 'visiting' | 'resident';
  /** Stagger between the two parties; defaults from the risk level when absent. */
  gapMinutes?: number;
  /** Entrance for the resident parent/carer and child; the visiting parent gets another one. */
  residentEntrance?: string;
}

export interface CaseRecord {
  id: string;
  reference: string;
  familyName: string;
  referral: { source: string; receivedOn: string; notes?: string };
  risk: { level: RiskLevel; assessedOn: string; reviewDue: string };
  keepApart: KeepApartPair[];
  settings: CaseSettings;
  status: 'open' | 'closed';
  closedOn?: string;
}

export type ServiceType = 'supported' | 'supervised' | 'handover';

export type ParticipantRole = 'child' | 'resident-parent' | 'visiting-parent' | 'authorised-adult';

export interface Participant {
  personId: string;
  role: ParticipantRole;
  /** For an authorised adult: which party they come and go with. */
  party?: 'resident' | 'visiting';
}

export interface Booking {
  id: string;
  caseId: string;
  roomId: string;
  serviceType: ServiceType;
  /** The contact itself: the child is with the visiting parent from start to end. */
  start: number;
  end: number;
  participants: Participant[];
  supervisorId?: string;
  status: 'booked' | 'cancelled';
}

export type MovementPurpose = 'arrival' | 'to-room' | 'from-room' | 'departure';

/** One person's planned passage through one door, inside a time window. */
export interface Movement {
  id: string;
  bookingId: string;
  personId: string;
  doorId: string;
  /** Zone the person leaves and zone they enter through this door. */
  fromZone: string;
  toZone: string;
  purpose: MovementPurpose;
  windowStart: number;
  windowEnd: number;
  /**
   * Released departures: valid only once `personId`'s exit through `doorId` has been
   * seen, plus `gapMs` (the later party leaves only after the earlier one has gone).
   */
  after?: { personId: string; doorId: string; gapMs: number };
}

export type CredentialKind = 'card' | 'pin' | 'qr';

export interface Credential {
  id: string;
  personId: string;
  kind: CredentialKind;
  /** Card id as the reader reports it, the PIN, or the QR payload. Stored hashed for pin/qr. */
  value: string;
  /** Visitor credentials belong to one booking and are valid only for its movements. */
  bookingId?: string;
  /** Staff credentials: local weekly schedule ('mon'..'sun' -> [[HH:MM, HH:MM]]); absent = any time. */
  schedule?: Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;
  issuedAt: number;
  revokedAt?: number;
}
