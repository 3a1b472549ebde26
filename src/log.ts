/**
 * The daemon's logger. Secrets never reach a log line: the redaction paths cover
 * passwords, keys, tokens and session cookies wherever they appear in a logged object.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'csrfToken',
  '*.csrfToken',
  'scbk',
  '*.scbk',
  'masterKey',
  '*.masterKey',
  'key',
  '*.key',
  'secret',
  '*.secret',
  'pin',
  '*.pin',
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'contactd' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
