/**
 * Credentials (issue 3, "Credentials"): resolve what a reader captured to a stored
 * credential, check revocation and staff schedules. PINs and QR payloads are stored only
 * as hashes (storedCredentialValue); cards by their normalised id. Pure: hashing is
 * computation, not I/O.
 */
import { createHash } from 'node:crypto';
import type { PresentedCredential } from './device-events.js';
import type { Credential, CredentialKind } from './model.js';
import { withinWeeklyHours } from './local-time.js';

/** Card ids compare without case or surrounding space (readers differ in hex case). */
export function normaliseCardId(id: string): string {
  return id.trim().toLowerCase();
}

/** 'sha256:<hex>' of kind and secret; the store keeps only this for PINs and QR payloads. */
export function hashSecret(kind: 'pin' | 'qr', secret: string): string {
  return `sha256:${createHash('sha256').update(`${kind}:${secret}`, 'utf8').digest('hex')}`;
}

/** The value to store in Credential.value for a raw card id, PIN or QR payload. */
export function storedCredentialValue(kind: CredentialKind, raw: string): string {
  return kind === 'card' ? normaliseCardId(raw) : hashSecret(kind, raw);
}

function lookupKey(presented: PresentedCredential): string {
  switch (presented.kind) {
    case 'card':
      return `card:${normaliseCardId(presented.id)}`;
    case 'pin':
      return `pin:${hashSecret('pin', presented.pin)}`;
    case 'qr':
      return `qr:${hashSecret('qr', presented.payload)}`;
  }
}

/** Credentials indexed by kind and stored value, for a lookup per tap. */
export type CredentialIndex = ReadonlyMap<string, readonly Credential[]>;

export function indexCredentials(credentials: readonly Credential[]): CredentialIndex {
  const index = new Map<string, Credential[]>();
  for (const c of credentials) {
    const key = `${c.kind}:${c.kind === 'card' ? normaliseCardId(c.value) : c.value}`;
    index.set(key, [...(index.get(key) ?? []), c]);
  }
  return index;
}

/**
 * The credential a reader captured. When several share a value (a card re-issued), an
 * active one wins over a revoked one, then the latest issued.
 */
export function resolveCredential(index: CredentialIndex, presented: PresentedCredential, now: number): Credential | undefined {
  const matches = index.get(lookupKey(presented)) ?? [];
  return [...matches].sort((a, b) => Number(isActive(b, now)) - Number(isActive(a, now)) || b.issuedAt - a.issuedAt)[0];
}

/** Issued and not revoked at `now`; revocation takes effect at once. */
export function isActive(credential: Credential, now: number): boolean {
  return credential.issuedAt <= now && (credential.revokedAt === undefined || credential.revokedAt > now);
}

/** A staff credential's weekly schedule in local time; no schedule means any time. */
export function staffScheduleAllows(credential: Credential, at: number, tz: string): boolean {
  if (!credential.schedule) return true;
  return withinWeeklyHours(credential.schedule, at, tz);
}

/** Mark a credential revoked at `at` (returns a new list; the caller stores it). */
export function revokeCredential(credentials: readonly Credential[], credentialId: string, at: number): Credential[] {
  return credentials.map((c) => (c.id === credentialId && c.revokedAt === undefined ? { ...c, revokedAt: at } : c));
}
