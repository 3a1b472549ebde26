/** The demo config, loaded for tests with a temp data dir and a random port. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export const DEFAULT_CONFIG_FILE = path.resolve(import.meta.dirname, '../../config/default.json');

export function rawDefaultConfig(): Record<string, unknown> {
  return JSON.parse(readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as Record<string, unknown>;
}

export function testConfig(dataDir: string, overrides: (raw: any) => void = () => undefined): Readonly<Config> {
  const raw = rawDefaultConfig() as any;
  raw.settings.dataDir = dataDir;
  raw.settings.http.port = 0;
  raw.settings.simulators.enabled = false;
  raw.settings.logLevel = 'error';
  overrides(raw);
  return parseConfig(raw);
}
