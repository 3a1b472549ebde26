/**
 * The camera side of ONVIF authentication (ONVIF Core 5.9.1): WS-Security
 * UsernameToken with PasswordDigest = Base64(SHA-1(nonce + created + password)) (WSS
 * UsernameToken Profile 1.0, 3.1), with `created` checked against the camera's own
 * clock, and HTTP digest (RFC 7616, MD5, qop=auth).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Text of the first element with this local name, whatever its prefix. */
export function elementText(xml: string, localName: string): string | undefined {
  const m = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${localName}(?:\\s[^>]*)?>([^<]*)</(?:[A-Za-z_][\\w.-]*:)?${localName}\\s*>`).exec(xml);
  return m?.[1]?.trim();
}

const sameText = (a: string, b: string): boolean => {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
};

export type WsseResult = { ok: true; username: string } | { ok: false; reason: 'missing' | 'bad-user' | 'bad-digest' | 'stale' | 'replay' };

export function passwordDigest(nonceB64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonceB64, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

/** Checks a request's UsernameToken; `cameraNow` is the camera's clock (skew included). */
export function checkWsSecurity(
  xml: string,
  creds: { username: string; password: string },
  cameraNow: number,
  seenNonces: Set<string>,
  toleranceMs = 5 * 60_000,
): WsseResult {
  const username = elementText(xml, 'Username');
  const password = elementText(xml, 'Password');
  const nonce = elementText(xml, 'Nonce');
  const created = elementText(xml, 'Created');
  if (username === undefined || password === undefined || nonce === undefined || created === undefined) return { ok: false, reason: 'missing' };
  if (username !== creds.username) return { ok: false, reason: 'bad-user' };
  if (!sameText(password, passwordDigest(nonce, created, creds.password))) return { ok: false, reason: 'bad-digest' };
  const createdAt = Date.parse(created);
  if (!Number.isFinite(createdAt) || Math.abs(createdAt - cameraNow) > toleranceMs) return { ok: false, reason: 'stale' };
  if (seenNonces.has(nonce)) return { ok: false, reason: 'replay' };
  seenNonces.add(nonce);
  if (seenNonces.size > 10_000) seenNonces.clear();
  return { ok: true, username };
}

export interface DigestChallenge {
  realm: string;
  nonce: string;
  header: string;
}

export function digestChallenge(realm: string): DigestChallenge {
  const nonce = randomBytes(16).toString('hex');
  return { realm, nonce, header: `Digest realm="${realm}", qop="auth", nonce="${nonce}", algorithm=MD5` };
}

function parseDigestHeader(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of header.replace(/^Digest\s+/i, '').matchAll(/([a-zA-Z0-9]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return out;
}

/** Verifies an `Authorization: Digest ...` header against one of the nonces this camera issued. */
export function checkHttpDigest(
  header: string | undefined,
  method: string,
  creds: { username: string; password: string },
  issuedNonces: Set<string>,
): boolean {
  if (!header || !/^Digest\s/i.test(header)) return false;
  const p = parseDigestHeader(header);
  if (p.username !== creds.username || !p.nonce || !issuedNonces.has(p.nonce) || !p.realm || !p.uri || !p.response) return false;
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const ha1 = md5(`${p.username}:${p.realm}:${creds.password}`);
  const ha2 = md5(`${method}:${p.uri}`);
  const expected = p.qop ? md5(`${ha1}:${p.nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:${p.qop}:${ha2}`) : md5(`${ha1}:${p.nonce}:${ha2}`);
  return sameText(expected, p.response);
}
