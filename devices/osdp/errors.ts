/**
 * OSDP protocol errors. Codes are grouped by layer (frame, message, secure channel,
 * bus); tests and callers match on `code`, never on message text.
 */
export const OsdpErrorCodes = {
  // frame layer (SIA OSDP v2.2 section 5)
  FRAME_TOO_SHORT: 'OSDP_FRAME_TOO_SHORT',
  FRAME_BAD_SOM: 'OSDP_FRAME_BAD_SOM',
  FRAME_BAD_LENGTH: 'OSDP_FRAME_BAD_LENGTH',
  FRAME_BAD_CHECK: 'OSDP_FRAME_BAD_CHECK',
  FRAME_BAD_SECURITY_BLOCK: 'OSDP_FRAME_BAD_SECURITY_BLOCK',
  FRAME_TOO_LONG: 'OSDP_FRAME_TOO_LONG',
  // message layer (sections 6 and 7)
  MESSAGE_UNKNOWN_CODE: 'OSDP_MESSAGE_UNKNOWN_CODE',
  MESSAGE_BAD_LENGTH: 'OSDP_MESSAGE_BAD_LENGTH',
  MESSAGE_BAD_VALUE: 'OSDP_MESSAGE_BAD_VALUE',
  // card data
  CARD_BAD_PARITY: 'OSDP_CARD_BAD_PARITY',
  // secure channel (Annex D)
  SC_BAD_MAC: 'OSDP_SC_BAD_MAC',
  SC_BAD_CRYPTOGRAM: 'OSDP_SC_BAD_CRYPTOGRAM',
  SC_BAD_PADDING: 'OSDP_SC_BAD_PADDING',
  SC_NOT_ESTABLISHED: 'OSDP_SC_NOT_ESTABLISHED',
  SC_REFUSED: 'OSDP_SC_REFUSED',
  SC_NO_KEY: 'OSDP_SC_NO_KEY',
  // bus / port
  PORT_OPEN_FAILED: 'OSDP_PORT_OPEN_FAILED',
  PORT_CLOSED: 'OSDP_PORT_CLOSED',
  CONFIG_INVALID: 'OSDP_CONFIG_INVALID',
} as const;

export type OsdpErrorCode = (typeof OsdpErrorCodes)[keyof typeof OsdpErrorCodes];

export class OsdpError extends Error {
  override readonly name = 'OsdpError';
  constructor(
    readonly code: OsdpErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function isOsdpError(e: unknown): e is OsdpError {
  return e instanceof OsdpError;
}
