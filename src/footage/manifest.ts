/**
 * The export manifest and its signature. The manifest is canonical JSON (keys sorted)
 * signed with the centre's Ed25519 key (node:crypto); the public key travels in the
 * manifest so a third party can check it, and its fingerprint lets them confirm it is
 * the centre's key. Verification re-hashes every file: any change to a file, a file
 * added or removed, or any edit of the manifest is detected.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { sha256OfFile } from './file-hash.js';

export const MANIFEST_FILE = 'manifest.json';
export const SIGNING_KEY_FILE = 'export-signing-key.pem';

export interface ManifestFile {
  file: string;
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: 'contactd-export/1';
  [key: string]: unknown;
  files: ManifestFile[];
}

export interface SignedManifest extends Manifest {
  signature: { algorithm: 'Ed25519'; publicKey: string; keyFingerprint: string; value: string };
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The centre's signing key, created 0600 in the data dir on first use. */
export function loadOrCreateSigningKey(dataDir: string): KeyObject {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  if (existsSync(file)) return createPrivateKey(readFileSync(file));
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  return privateKey;
}

export function publicKeyFingerprint(publicKeyDer: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyDer).digest('hex')}`;
}

export function signManifest(manifest: Manifest, privateKey: KeyObject): SignedManifest {
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const value = sign(null, Buffer.from(canonicalJson(manifest)), privateKey).toString('base64');
  return { ...manifest, signature: { algorithm: 'Ed25519', publicKey: der.toString('base64'), keyFingerprint: publicKeyFingerprint(der), value } };
}

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  keyFingerprint?: string;
}

/** Checks the signature, every listed file's hash and size, and that no file was added. */
export async function verifyExportDir(dir: string, trustedFingerprint?: string): Promise<VerifyReport> {
  const problems: string[] = [];
  let parsed: SignedManifest;
  try {
    parsed = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as SignedManifest;
  } catch (e) {
    return { ok: false, problems: [`manifest unreadable: ${(e as Error).message}`] };
  }
  const { signature, ...body } = parsed;
  if (!signature || signature.algorithm !== 'Ed25519' || typeof signature.publicKey !== 'string' || typeof signature.value !== 'string') {
    return { ok: false, problems: ['manifest carries no Ed25519 signature'] };
  }
  const der = Buffer.from(signature.publicKey, 'base64');
  const fingerprint = publicKeyFingerprint(der);
  try {
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    if (!verify(null, Buffer.from(canonicalJson(body)), key, Buffer.from(signature.value, 'base64'))) problems.push('signature does not match the manifest (the manifest was changed)');
  } catch (e) {
    problems.push(`signature could not be checked: ${(e as Error).message}`);
  }
  if (signature.keyFingerprint !== fingerprint) problems.push('key fingerprint in the manifest does not match its public key');
  if (trustedFingerprint && trustedFingerprint !== fingerprint) problems.push(`signed with key ${fingerprint}, not this centre's key ${trustedFingerprint}`);
  const files = Array.isArray(body.files) ? body.files : [];
  for (const f of files) {
    if (typeof f.file !== 'string' || f.file.includes('/') || f.file.includes('\\') || f.file === MANIFEST_FILE) {
      problems.push(`bad file entry ${JSON.stringify(f.file)}`);
      continue;
    }
    const full = path.join(dir, f.file);
    if (!existsSync(full)) {
      problems.push(`${f.file}: missing`);
      continue;
    }
    const actual = await sha256OfFile(full);
    if (actual.sha256 !== f.sha256 || actual.bytes !== f.bytes) problems.push(`${f.file}: content changed (SHA-256 or size differs)`);
  }
  const listed = new Set([MANIFEST_FILE, ...files.map((f) => f.file)]);
  for (const name of await readdir(dir)) if (!listed.has(name)) problems.push(`${name}: not in the manifest (added)`);
  return { ok: problems.length === 0, problems, keyFingerprint: fingerprint };
}
