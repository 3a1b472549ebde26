/**
 * Fault drill (issue 9): kill -9 the daemon during an event storm and restart it. The
 * daemon runs as a child process (`contactd start`) against a broker that outlives it;
 * simulated controllers keep presenting staff cards at five doors before, during and
 * after the kill. Afterwards: every decision that was committed before the kill is
 * still there, the audit chain verifies, no relay is left unlocked, no unlock command
 * was carried out twice, and the restarted daemon opens doors again.
 */
import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { loadConfigFile } from '../../src/config/load.js';
import { openStore } from '../../src/store/store.js';
import { startEmbeddedBroker } from '../../devices/mqtt-broker/embedded.js';
import { startSiteSimulators, type SiteSimulators } from '../../simulators/mqtt-door/site.js';
import type { OwnDialectController } from '../../simulators/mqtt-door/own-controller.js';
import { runCli, spawnCli, waitForListening } from '../helpers/cli.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';
import { drillConfigFile, seedStaffCards, sleep, until } from './helpers.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  removeTempDirs();
});

async function startChild(configFile: string): Promise<ChildProcess> {
  const child = spawnCli(['start'], { CONTACTD_CONFIG: configFile, CONTACTD_LOG_LEVEL: 'info' });
  children.push(child);
  await waitForListening(child);
  return child;
}

describe('drill: kill -9 during an event storm', () => {
  it('loses no committed decision, keeps the audit chain, leaves no door unlocked and repeats no unlock', async () => {
    const broker = await startEmbeddedBroker({ port: 0, logger: pino({ level: 'silent' }) });
    const dir = tempDir();
    const configFile = drillConfigFile(dir, { brokerUrl: broker.url });
    const { config } = loadConfigFile(configFile, {});
    mkdirSync(config.settings.dataDir, { recursive: true });
    const cards = seedStaffCards(config.settings.dataDir, 8);
    let sims: SiteSimulators | undefined;
    let daemon = await startChild(configFile);
    try {
      sims = await startSiteSimulators({ config, url: broker.url });
      const own = [...sims.own.values()] as OwnDialectController[];
      const readersOf = (c: OwnDialectController) => config.site.doors.filter((d) => sims!.forDoor(d.id) === c).flatMap((d) => d.readers.map((r) => r.id));
      let storming = true;
      let presented = 0;
      const storm = (async () => {
        for (let i = 0; storming; i++) {
          const c = own[i % own.length]!;
          const readers = readersOf(c);
          c.presentCard(readers[i % readers.length]!, cards[i % cards.length]!);
          presented++;
          await sleep(4);
        }
      })();
      const reader = openStore(config.settings.dataDir, systemClock);
      await until('decisions committed during the storm', () => reader.decisions.list({ limit: 10 }).length >= 10 && true, 15_000);
      await sleep(300);
      const committed = reader.decisions.list({ limit: 1_000_000 });
      const auditBefore = reader.audit.list({ limit: 1_000_000 }).length;
      daemon.kill('SIGKILL');
      await new Promise((r) => daemon.once('exit', r));
      await sleep(300); // taps keep coming while the daemon is dead; the broker queues them
      storming = false;
      await storm;
      daemon = await startChild(configFile);
      // Relays time out by themselves (5 s); queued taps are decided or refused as stale.
      await sleep(6_500);

      const after = new Map(reader.decisions.list({ limit: 1_000_000 }).map((d) => [d.id, d]));
      expect(committed.length).toBeGreaterThan(10);
      for (const d of committed) expect(after.get(d.id), `decision ${d.id} lost`).toMatchObject({ code: d.code, outcome: d.outcome, at: d.at });
      expect(reader.audit.list({ limit: 1_000_000 }).length).toBeGreaterThanOrEqual(auditBefore);

      const unlocks = own.flatMap((c) => c.relay.unlocks);
      expect(unlocks.length).toBeGreaterThan(0);
      const causes = unlocks.map((u) => u.cause);
      expect(new Set(causes).size, 'an unlock command was carried out twice').toBe(causes.length);
      for (const c of own) for (const d of config.site.doors.filter((x) => sims!.forDoor(x.id) === c)) expect(c.relay.isUnlocked(d.id), `${d.id} left unlocked`).toBe(false);

      // The restarted daemon works: a fresh staff tap opens the staff door.
      const staffDoor = sims.own.get('staff')!;
      const opened = staffDoor.relay.expectUnlock('staff', 5000);
      staffDoor.presentCard('staff-in', cards[0]!);
      await opened;
      reader.close();
      expect(presented).toBeGreaterThan(100);
      daemon.kill('SIGTERM');
      await new Promise((r) => daemon.once('exit', r));
      const verify = runCli(['audit', 'verify'], { env: { CONTACTD_CONFIG: configFile } });
      expect(verify.stdout + verify.stderr).toMatch(/audit chain ok: \d+ records/);
      expect(verify.status).toBe(0);
    } finally {
      await sims?.stop();
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
      await broker.close();
    }
  }, 90_000);
});
