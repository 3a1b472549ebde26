import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { rawDefaultConfig } from '../helpers/config.js';
import { runCli, spawnCli, waitForListening } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

const envFor = (dataDir: string) => ({ CONTACTD_DATA_DIR: dataDir, CONTACTD_HTTP_PORT: '0', CONTACTD_SIMULATORS: 'false', CONTACTD_LOG_LEVEL: 'info' });

// Each case spawns the CLI from source (tsx) several times: slow on a loaded 2-core box, so a generous timeout.
describe('contactd CLI', { timeout: 180_000 }, () => {
  it('prints help for every command', () => {
    for (const args of [['--help'], ['start', '--help'], ['migrate', '--help'], ['user', 'add', '--help'], ['audit', 'verify', '--help']]) {
      const res = runCli(args);
      expect(res.status, args.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/Usage: contactd/);
    }
  });

  it('starts, answers /healthz, tells how to create the first admin, and stops on SIGTERM', async () => {
    const dataDir = tempDir();
    const child = spawnCli(['start', '--config', 'config/default.json'], envFor(dataDir));
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const url = await waitForListening(child);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`${url}/api/site`)).status).toBe(401);
      expect(stderr).toMatch(/contactd user add admin --role admin/);
      expect(stderr).toMatch(/never ships a default password/);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });

  it('refuses a broken config with every problem by path, before opening anything', () => {
    const dataDir = path.join(tempDir(), 'never-created');
    const raw = rawDefaultConfig() as any;
    raw.settings.http.port = 'eighty';
    raw.site.doors[2].from = 'roof';
    raw.site.cameras[0].zones = [];
    const file = path.join(tempDir(), 'broken.json');
    writeFileSync(file, JSON.stringify(raw));
    const res = runCli(['start', '--config', file], { env: { CONTACTD_DATA_DIR: dataDir } });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/configuration is invalid \(4 problem/);
    expect(res.stderr).toContain('/settings/http/port');
    expect(res.stderr).toContain('/site/cameras/0/zones');
    expect(res.stderr).toContain("/site/doors/2/from: unknown zone 'roof'");
    expect(existsSync(dataDir)).toBe(false);
  });

  it('migrates, adds users from stdin, and verifies then detects a broken audit chain', () => {
    const dataDir = tempDir();
    const env = envFor(dataDir);
    expect(runCli(['migrate'], { env }).stdout).toMatch(/migrated schema 0 -> \d+/);
    expect(runCli(['migrate'], { env }).stdout).toMatch(/up to date/);

    const added = runCli(['user', 'add', 'ann', '--role', 'manager', '--password-stdin'], { env, input: 'a long enough password\n' });
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/created user ann with role manager/);
    expect(added.stdout + added.stderr).not.toContain('a long enough password');
    expect(runCli(['user', 'add', 'ann', '--role', 'manager', '--password-stdin'], { env, input: 'another long password\n' }).stderr).toMatch(
      /already exists/,
    );
    const short = runCli(['user', 'add', 'bob', '--role', 'reception', '--password-stdin'], { env, input: 'short\n' });
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/at least 12 characters/);
    expect(runCli(['user', 'add', 'eve', '--role', 'janitor', '--password-stdin'], { env }).status).not.toBe(0);

    const ok = runCli(['audit', 'verify'], { env });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe('audit chain ok: 1 records');

    const db = new Database(path.join(dataDir, 'contactd.sqlite'));
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare("UPDATE audit SET actor = 'cli:someone-else' WHERE seq = 1").run();
    db.close();
    const broken = runCli(['audit', 'verify'], { env });
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/audit chain BROKEN at record 1/);
  });
});
