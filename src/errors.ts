/**
 * One catalogue of error codes for the whole daemon. Tests and API clients match
 * on `code`, never on message text. Codes are grouped by area.
 */
export const ErrorCodes = {
  // configuration
  CONFIG_INVALID: 'CONFIG_INVALID',
  CONFIG_UNREADABLE: 'CONFIG_UNREADABLE',
  // store
  STORE_MIGRATION_FAILED: 'STORE_MIGRATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  // auth
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  CSRF_MISMATCH: 'CSRF_MISMATCH',
  LOGIN_FAILED: 'LOGIN_FAILED',
  LOGIN_THROTTLED: 'LOGIN_THROTTLED',
  // input
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_REQUEST: 'BAD_REQUEST',
  // domain: bookings and planning
  BOOKING_REFUSED: 'BOOKING_REFUSED',
  PLAN_UNSAFE: 'PLAN_UNSAFE',
  // audit
  AUDIT_CHAIN_BROKEN: 'AUDIT_CHAIN_BROKEN',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class ContactdError extends Error {
  override readonly name = 'ContactdError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function isContactdError(e: unknown): e is ContactdError {
  return e instanceof ContactdError;
}
