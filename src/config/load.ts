/**
 * Loads the configuration file, applies environment overrides, fills defaults and
 * validates both the shape (JSON schema) and the meaning (every reference resolves,
 * every entrance is a walkable route). All problems are reported together, each
 * with its JSON path, before the daemon opens anything.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Value } from 'typebox/value';
import { ContactdError, ErrorCodes } from '../errors.js';
import { ConfigSchema, type Config } from './schema.js';
import { checkSiteReferences } from './site-check.js';

export interface ConfigProblem {
  path: string;
  reason: string;
}

export interface LoadedConfig {
  config: Readonly<Config>;
  /** Absolute path of the file read. */
  file: string;
}

/** Environment variables that override settings, applied after the file is read. */
export const ENV_OVERRIDES = {
  CONTACTD_DATA_DIR: 'settings.dataDir',
  CONTACTD_HTTP_HOST: 'settings.http.host',
  CONTACTD_HTTP_PORT: 'settings.http.port',
  CONTACTD_MQTT_URL: 'settings.mqtt.url',
  CONTACTD_MQTT_PORT: 'settings.mqtt.embeddedPort',
  CONTACTD_LOG_LEVEL: 'settings.logLevel',
  CONTACTD_SIMULATORS: 'settings.simulators.enabled',
} as const;

export function resolveConfigPath(cliPath: string | undefined, env: NodeJS.ProcessEnv): string {
  return path.resolve(cliPath ?? env.CONTACTD_CONFIG ?? 'config/default.json');
}

export function loadConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ContactdError(ErrorCodes.CONFIG_UNREADABLE, `cannot read config file ${file}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ContactdError(ErrorCodes.CONFIG_INVALID, `config file ${file} is not valid JSON: ${(e as Error).message}`, [
      { path: '/', reason: (e as Error).message },
    ]);
  }
  const config = parseConfig(raw, env);
  return { config, file };
}

/** Validate an already-parsed config object; throws CONFIG_INVALID listing every problem. */
export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): Readonly<Config> {
  const problems: ConfigProblem[] = [];
  const withEnv = applyEnvOverrides(structuredClone(raw), env, problems);
  const filled = Value.Default(ConfigSchema, withEnv);
  for (const err of Value.Errors(ConfigSchema, filled)) {
    // typebox reports an unknown property twice (the false sub-schema and the parent); keep one.
    if (err.keyword === 'boolean') continue;
    if (err.keyword === 'additionalProperties') {
      const extra = (err.params as { additionalProperties?: string[] }).additionalProperties ?? [];
      for (const name of extra) problems.push({ path: `${err.instancePath}/${name}`, reason: 'unknown property' });
      continue;
    }
    if (err.keyword === 'required') {
      const missing = (err.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) problems.push({ path: `${err.instancePath}/${name}`, reason: 'is required' });
      continue;
    }
    // A union reports each failed branch; the branch errors are the informative ones.
    if (err.keyword === 'anyOf' && problems.some((p) => p.path.startsWith(err.instancePath))) continue;
    problems.push({ path: err.instancePath || '/', reason: err.message });
  }
  // Reference checks run even when the shape is wrong, so one run lists every problem;
  // a shape broken badly enough to trip them is already reported above.
  try {
    problems.push(...checkSiteReferences(filled as Config));
  } catch (e) {
    if (problems.length === 0) throw e;
  }
  if (problems.length > 0) throw configInvalid(dedupe(problems));
  const config = filled as Config;
  // A relative data dir is relative to the working directory, like any daemon's paths.
  config.settings.dataDir = path.resolve(config.settings.dataDir);
  return deepFreeze(config);
}

function applyEnvOverrides(raw: unknown, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  for (const [name, target] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const keys = target.split('.');
    let node = raw as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const leaf = keys[keys.length - 1] as string;
    node[leaf] = coerceEnv(name, value, problems);
  }
  return raw;
}

function coerceEnv(name: string, value: string, problems: ConfigProblem[]): unknown {
  if (name.endsWith('_PORT')) {
    const n = Number(value);
    if (!Number.isInteger(n)) problems.push({ path: `env:${name}`, reason: `must be an integer port, got '${value}'` });
    return n;
  }
  if (name === 'CONTACTD_SIMULATORS') return value === '1' || value === 'true';
  return value;
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function configInvalid(problems: ConfigProblem[]): ContactdError {
  const lines = problems.map((p) => `  ${p.path}: ${p.reason}`).join('\n');
  return new ContactdError(ErrorCodes.CONFIG_INVALID, `configuration is invalid (${problems.length} problem(s)):\n${lines}`, problems);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
