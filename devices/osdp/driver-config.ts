/**
 * What the OSDP driver needs from the site config: the serial buses and, for every reader
 * whose controller is OSDP, where it sits (bus, address) and what it drives.
 */
import type { SettingsConfig, SiteConfig } from '../../src/config/schema.js';
import type { SecureMode } from './cp-secure.js';
import { OsdpError, OsdpErrorCodes } from './errors.js';

export interface OsdpBusConfig {
  id: string;
  path: string;
  baudRate: number;
}

export interface OsdpReaderConfig {
  readerId: string;
  doorId: string;
  bus: string;
  address: number;
  /** OUT number of the lock relay (section 6.7). */
  output: number;
  /** Input reported by osdp_ISTATR for the door position contact (active = door open). */
  doorContactInput: number;
  /** Input of a panic/duress button, and of a lockdown switch, when wired to this PD (active = pressed). */
  panicInput?: number;
  lockdownInput?: number;
  /** The zone the reader stands in: where a panic pressed at it is. */
  zoneId?: string;
  secure?: { mode: SecureMode; scbkEnv?: string };
}

export function osdpReadersFromSite(site: SiteConfig): OsdpReaderConfig[] {
  const readers: OsdpReaderConfig[] = [];
  for (const door of site.doors) {
    for (const reader of door.readers) {
      const c = reader.controller;
      if (c.kind !== 'osdp') continue;
      readers.push({
        readerId: reader.id, doorId: door.id, bus: c.bus, address: c.address, output: c.output,
        doorContactInput: c.doorContactInput, ...(c.secure ? { secure: c.secure } : {}),
        ...(c.panicInput !== undefined ? { panicInput: c.panicInput } : {}),
        ...(c.lockdownInput !== undefined ? { lockdownInput: c.lockdownInput } : {}),
        zoneId: reader.side === 'from' ? door.from : door.to,
      });
    }
  }
  return readers;
}

export function osdpBusesFromSettings(settings: SettingsConfig): OsdpBusConfig[] {
  return settings.serial.buses.map((b) => ({ id: b.id, path: b.path, baudRate: b.baudRate }));
}

/** Reads a 16-byte key given as 32 hex digits from the environment; never logs the value. */
export function keyFromEnv(env: Record<string, string | undefined>, name: string | undefined): Uint8Array | undefined {
  if (!name) return undefined;
  const hex = env[name]?.trim();
  if (!hex) return undefined;
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new OsdpError(OsdpErrorCodes.CONFIG_INVALID, `environment variable ${name} must hold 32 hex digits`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Rejects configs that would make two readers share one PD address on a bus. */
export function checkReaders(buses: OsdpBusConfig[], readers: OsdpReaderConfig[]): void {
  const seen = new Set<string>();
  for (const r of readers) {
    if (!buses.some((b) => b.id === r.bus)) {
      throw new OsdpError(OsdpErrorCodes.CONFIG_INVALID, `reader ${r.readerId} is on unknown bus ${r.bus}`);
    }
    const key = `${r.bus}/${r.address}`;
    if (seen.has(key)) throw new OsdpError(OsdpErrorCodes.CONFIG_INVALID, `two readers at address ${r.address} on bus ${r.bus}`);
    seen.add(key);
  }
}
