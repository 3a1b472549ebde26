import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig, type ConfigProblem } from '../../src/config/load.js';
import { ContactdError } from '../../src/errors.js';
import { DEFAULT_CONFIG_FILE, rawDefaultConfig } from '../helpers/config.js';
import { removeTempDirs } from '../helpers/tmp.js';

afterAll(removeTempDirs);

function problemsOf(fn: () => unknown): ConfigProblem[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ContactdError);
    expect((e as ContactdError).code).toBe('CONFIG_INVALID');
    return (e as ContactdError).details as ConfigProblem[];
  }
  throw new Error('expected the config to be rejected');
}

describe('configuration', () => {
  it('accepts the demo centre and fills defaults', () => {
    const { config } = loadConfigFile(DEFAULT_CONFIG_FILE, {});
    expect(config.site.entrances.map((e) => e.id)).toEqual(['entrance-a', 'entrance-b']);
    expect(config.site.rooms.filter((r) => r.zone.startsWith('room-'))).toHaveLength(4);
    expect(config.site.cameras.length).toBeGreaterThanOrEqual(6);
    expect(config.settings.http.sessionHours).toBe(12);
    expect(Object.isFrozen(config.settings.http)).toBe(true);
  });

  it('applies environment overrides', () => {
    const { config } = loadConfigFile(DEFAULT_CONFIG_FILE, {
      CONTACTD_DATA_DIR: '/var/lib/contactd',
      CONTACTD_HTTP_HOST: '0.0.0.0',
      CONTACTD_HTTP_PORT: '9090',
    });
    expect(config.settings.dataDir).toBe('/var/lib/contactd');
    expect(config.settings.http).toMatchObject({ host: '0.0.0.0', port: 9090 });
  });

  it('lists every problem of a broken config with its path', () => {
    const raw = rawDefaultConfig() as any;
    raw.settings.http.port = 70000;
    raw.settings.colour = 'blue';
    raw.site.doors[0].unlockSeconds = 'five';
    delete raw.site.zones[1].name;
    const problems = problemsOf(() => parseConfig(raw, { CONTACTD_HTTP_PORT: '' }));
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/settings/http/port', '/settings/colour', '/site/doors/0/unlockSeconds', '/site/zones/1/name']),
    );
    expect(problems.find((p) => p.path === '/settings/colour')?.reason).toBe('unknown property');
  });

  it('rejects references that do not resolve and routes that do not walk', () => {
    const raw = rawDefaultConfig() as any;
    raw.site.doors[0].to = 'nowhere';
    raw.site.cameras[0].zones = ['attic'];
    raw.site.entrances[1].doors = ['gate-b', 'waiting-b'];
    raw.site.rooms.push({ ...raw.site.rooms[0] });
    const problems = problemsOf(() => parseConfig(raw));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '/site/doors/0/to', reason: "unknown zone 'nowhere'" },
        { path: '/site/cameras/0/zones/0', reason: "unknown zone 'attic'" },
        { path: '/site/entrances/1/doors/1', reason: "door 'waiting-b' starts in 'lobby-b', but the route is in 'carpark-b'" },
        { path: '/site/rooms/4/id', reason: "duplicate id 'room-1'" },
      ]),
    );
  });

  it('rejects a bad port in the environment by name', () => {
    const problems = problemsOf(() => parseConfig(rawDefaultConfig(), { CONTACTD_HTTP_PORT: 'eighty' }));
    expect(problems.map((p) => p.path)).toContain('env:CONTACTD_HTTP_PORT');
  });

  it('says which file is unreadable or not JSON', () => {
    expect(() => loadConfigFile('/nonexistent/contactd.json', {})).toThrow(/cannot read config file \/nonexistent/);
  });
});
