/**
 * Who may call what: the route-by-role matrix, in one place. A route under /api that is
 * not listed here is refused for everyone (fail secure); a test walks the whole matrix.
 */
import type { StaffRole } from '../domain/model.js';

export const ROLES: readonly StaffRole[] = ['reception', 'supervisor', 'manager', 'safeguarding-lead', 'admin'];

/** Routes any signed-in user may call. */
const ANY: readonly StaffRole[] = ROLES;
const FRONT_DESK: readonly StaffRole[] = ['reception', 'supervisor', 'manager', 'safeguarding-lead'];
const CASEWORK: readonly StaffRole[] = ['supervisor', 'manager', 'safeguarding-lead'];
const CASE_OWNERS: readonly StaffRole[] = ['manager', 'safeguarding-lead'];
const OVERSIGHT: readonly StaffRole[] = ['manager', 'safeguarding-lead', 'admin'];

/** Key: `METHOD /url-pattern` exactly as registered with fastify. */
export const ROUTE_ROLES: Readonly<Record<string, readonly StaffRole[]>> = {
  'GET /api/auth/session': ANY,
  'POST /api/auth/logout': ANY,
  'GET /api/site': ANY,

  'GET /api/people': FRONT_DESK,
  'POST /api/people': ['reception', 'manager', 'safeguarding-lead'],
  'GET /api/people/:id': FRONT_DESK,

  'GET /api/cases': CASEWORK,
  'POST /api/cases': CASE_OWNERS,
  'GET /api/cases/:id': CASEWORK,
  'PATCH /api/cases/:id': CASE_OWNERS,
  'POST /api/cases/:id/keep-apart': CASE_OWNERS,

  'GET /api/staff/:id/training': ['manager', 'admin'],
  'POST /api/staff/:id/training': ['manager', 'admin'],

  'GET /api/bookings': FRONT_DESK,
  'POST /api/bookings': ['reception', 'manager'],
  'GET /api/bookings/:id': FRONT_DESK,
  'PATCH /api/bookings/:id': ['reception', 'manager'],
  'POST /api/bookings/:id/cancel': ['reception', 'manager'],
  'POST /api/bookings/:id/credentials': ['reception', 'manager'],
  'POST /api/bookings/:id/export': CASE_OWNERS,
  // Recorded footage: the export's least-privilege roles; reception watches live tiles only.
  'GET /api/bookings/:id/footage': CASE_OWNERS,
  'GET /api/footage/segments/:id': CASE_OWNERS,
  'POST /api/credentials/:id/revoke': ['reception', 'manager', 'safeguarding-lead'],
  'POST /api/staff/:id/credentials': ['manager', 'admin'],

  'GET /api/doors': FRONT_DESK,
  'GET /api/occupancy': FRONT_DESK,
  'POST /api/doors/:id/release': FRONT_DESK,
  'POST /api/doors/:id/override': ['reception', 'manager', 'safeguarding-lead'],
  'POST /api/whereabouts': FRONT_DESK,
  'GET /api/decisions': FRONT_DESK,

  'GET /api/alerts': FRONT_DESK,
  'POST /api/alerts/:id/ack': FRONT_DESK,
  'POST /api/alerts/:id/resolve': FRONT_DESK,
  'POST /api/lockdown': FRONT_DESK,
  'GET /api/live': FRONT_DESK,

  // Hardware diagnostics: for whoever looks after the devices, not the front desk.
  'GET /api/devices': ['manager', 'admin'],

  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],

  'GET /api/audit': OVERSIGHT,
  'GET /api/audit/verify': OVERSIGHT,
};

export function rolesFor(method: string, url: string): readonly StaffRole[] | undefined {
  return ROUTE_ROLES[`${method} ${url}`];
}
