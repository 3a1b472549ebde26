/**
 * Inputs and outputs of the access decisions (issue 3, "Access decisions"): what
 * reception can do, the decision with a reason a receptionist understands, and the
 * effects the daemon carries out (door commands, alerts, reception notices, audit,
 * occupancy).
 */
import type { DeviceEvent, DoorCommand } from './device-events.js';

/** What reception (and managers) do from the dashboard. Every one is audited. */
export type ReceptionAction =
  /** Open a door for someone (forgotten card, late arrival); held if it would risk a meeting. */
  | { type: 'reception-release'; doorId: string; staffId: string; reason: string; personId?: string; towards?: string; at: number }
  /** Release despite a keep-apart hold or a lockdown: needs a second, more senior person. */
  | { type: 'reception-override'; doorId: string; staffId: string; managerId: string; reason: string; personId?: string; towards?: string; at: number }
  /** Reception has seen the person on camera in this zone: positive evidence. */
  | { type: 'confirm-whereabouts'; personId: string; zoneId: string; staffId: string; at: number }
  | { type: 'lockdown'; active: boolean; managerId: string; reason: string; at: number };

export type AccessInput = DeviceEvent | ReceptionAction;

/** 'recorded': an event that asked for nothing (a door contact, a tamper) or a reception note. */
export type Outcome = 'granted' | 'denied' | 'held' | 'recorded';

export type DecisionCode =
  // granted
  | 'MOVEMENT'
  | 'STAFF'
  | 'RECEPTION_RELEASE'
  | 'MANAGER_OVERRIDE'
  | 'REQUEST_TO_EXIT'
  | 'WHEREABOUTS_CONFIRMED'
  | 'LOCKDOWN_CHANGED'
  | 'RECORDED'
  // held
  | 'KEEP_APART_HOLD'
  | 'EARLY'
  | 'WAIT_FOR_RELEASE'
  // denied
  | 'UNKNOWN_READER'
  | 'UNKNOWN_DOOR'
  | 'UNKNOWN_CREDENTIAL'
  | 'CREDENTIAL_REVOKED'
  | 'NOT_AUTHORISED'
  | 'OUTSIDE_SCHEDULE'
  | 'ANTI_PASSBACK'
  | 'LOCKDOWN'
  | 'WRONG_DOOR'
  | 'WINDOW_PASSED'
  | 'NO_BOOKING_NOW'
  | 'MANAGER_REQUIRED'
  | 'UNKNOWN_ZONE';

export interface Decision {
  outcome: Outcome;
  code: DecisionCode;
  /** A sentence a receptionist understands (people named by initials). */
  reason: string;
  personId?: string;
  credentialId?: string;
  movementId?: string;
  doorId?: string;
  /** Staff who acted (reception actions). */
  actorIds?: string[];
  at: number;
}

export type AlertKind =
  | 'possible-meeting'
  | 'door-forced'
  | 'door-held-open'
  | 'tamper'
  | 'panic'
  | 'device-offline'
  /** A door controller refused or never confirmed a command, or it could not be sent. */
  | 'door-command-failed'
  | 'override'
  | 'unknown-credential'
  /** The saved access state could not be read at start: whereabouts unknown until reception confirms them. */
  | 'whereabouts-unknown';

export type Severity = 'info' | 'warning' | 'critical';

export type ReceptionNoticeKind = 'hold' | 'early' | 'late' | 'wrong-door' | 'unknown-credential' | 'release-countdown' | 'lockdown';

export type Effect =
  | { type: 'door'; command: DoorCommand }
  | { type: 'alert'; kind: AlertKind; severity: Severity; text: string; zoneId?: string; doorId?: string }
  | { type: 'notify-reception'; kind: ReceptionNoticeKind; text: string; doorId?: string; personId?: string; until?: number }
  /** Every decision is recorded; the input is summarised without secrets (no PIN, no QR payload). */
  | { type: 'audit'; decision: Decision; input: AuditedInput }
  | { type: 'occupancy'; personId: string; zones: readonly string[] };

export type AuditedInput = { type: AccessInput['type']; at: number } & Record<string, string | number | boolean | undefined>;
