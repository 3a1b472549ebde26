/** Errors as JSON: `{ error: { code, message, details? } }` with a stable code and a plain message. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ContactdError, ErrorCodes, type ErrorCode } from '../errors.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  LOGIN_FAILED: 401,
  FORBIDDEN: 403,
  CSRF_MISMATCH: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  BOOKING_REFUSED: 422,
  PLAN_UNSAFE: 422,
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  LOGIN_THROTTLED: 429,
};

export function httpStatusOf(code: ErrorCode): number {
  return STATUS[code] ?? 500;
}

export function errorBody(code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof ContactdError) {
    const status = httpStatusOf(err.code);
    if (status >= 500) request.log.error({ err }, 'request failed');
    void reply.status(status).send(errorBody(err.code, err.message, err.details));
    return;
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const details = fe.validation.map((v) => ({ path: v.instancePath || '/', reason: v.message ?? 'invalid' }));
    void reply.status(400).send(errorBody(ErrorCodes.VALIDATION_FAILED, `request ${fe.validationContext ?? ''} is invalid: ${fe.message}`.replace('  ', ' '), details));
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    // fastify's own client errors: bad JSON, body too large, unsupported media type.
    request.log.info({ code: fe.code, status: fe.statusCode }, 'client error');
    void reply.status(fe.statusCode).send(errorBody(ErrorCodes.BAD_REQUEST, fe.message));
    return;
  }
  request.log.error({ err }, 'unhandled error');
  void reply.status(500).send(errorBody(ErrorCodes.INTERNAL, 'internal error; the details are in the daemon log'));
}
