/**
 * The REST client: JSON in and out, the session's CSRF token on every state-changing
 * request (src/api/auth-hook.ts), errors as ApiError with the server's stable code and
 * details (docs: `{"error":{"code","message","details"}}`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when any request answers 401: the session ended; show the sign-in form. */
export function onUnauthenticated(handler: () => void): void {
  onSignedOut = handler;
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the centre server cannot be reached; check the network and try again');
  }
  const text = await response.text();
  const json = text ? (safeParse(text) as { error?: { code: string; message: string; details?: unknown } } | undefined) : undefined;
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/auth/login') onSignedOut();
    const err = json?.error;
    throw new ApiError(response.status, err?.code ?? `HTTP_${response.status}`, err?.message ?? response.statusText, err?.details);
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
