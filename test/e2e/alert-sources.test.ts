/**
 * Alert sources through the real daemon, each from its real driver and simulator: a
 * panic button wired to an OSDP reader's input, and one wired to a camera's digital
 * input (ONVIF PullPoint event). Each raises a critical panic alert in its zone, and the
 * camera covering that zone gets an evidence hold.
 */
import net from 'node:net';
import { pino } from 'pino';
import { afterEach, afterAll, describe, expect, it } from 'vitest';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import { getSimulatedOsdpBus } from '../../simulators/osdp/index.js';
import { startCameraSimulators, type CameraSimulators } from '../../simulators/onvif/index.js';
import { testConfig } from '../helpers/config.js';
import { waitFor } from '../helpers/daemon.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

let daemon: RunningDaemon | undefined;
let cameras: CameraSimulators | undefined;
afterEach(async () => {
  await daemon?.stop();
  await cameras?.stop();
  daemon = undefined;
  cameras = undefined;
});
afterAll(removeTempDirs);

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

const openPanics = (d: RunningDaemon) => d.services.store.alerts.list({ state: 'open' }).filter((a) => a.kind === 'panic');

describe('alert sources', () => {
  it('a panic button on an OSDP reader input raises a critical alert in the reader zone', async () => {
    const config = testConfig(tempDir(), (raw) => {
      raw.settings.mqtt.embeddedPort = 0;
      raw.site.cameras = [];
      const door = raw.site.doors.find((d: any) => d.id === 'room-1');
      door.readers.find((r: any) => r.id === 'room-1-in').controller.panicInput = 2;
    });
    daemon = await startDaemon({ config, configFile: 'test', logger: pino({ level: 'silent' }) });
    const bus = await waitFor('simulated OSDP bus', () => getSimulatedOsdpBus('bus-1'));
    await waitFor('reader online', () => daemon!.services.store.decisions.list({ limit: 200 }).find((d) => /room-1-in.*online|online.*room-1-in/.test(d.reason)), 15_000);
    bus.pd(5).setInput(2, true);
    const [alert] = await waitFor('panic alert', () => (openPanics(daemon!).length ? openPanics(daemon!) : undefined), 10_000);
    expect(alert).toMatchObject({ severity: 'critical', zoneId: 'corridor' });
  });

  it("a panic button on a camera's digital input raises a critical alert and holds that camera's footage", async () => {
    const port = await freePort();
    const config = testConfig(tempDir(), (raw) => {
      raw.settings.mqtt.embeddedPort = 0;
      const camera = raw.site.cameras.find((c: any) => c.id === 'cam-room-1');
      camera.onvif.url = `http://127.0.0.1:${port}/onvif/device_service`;
      camera.inputs = [{ token: 'DI_1', kind: 'panic' }];
      raw.site.cameras = [camera];
    });
    cameras = startCameraSimulators(config, { video: false });
    await cameras.start();
    daemon = await startDaemon({ config, configFile: 'test', logger: pino({ level: 'silent' }) });
    await waitFor('camera online', () => daemon!.cctv.cameras()?.status().find((c) => c.online), 20_000);
    // Let the PullPoint subscription deliver its initial state before the press.
    await new Promise((r) => setTimeout(r, 2500));
    cameras.cameras.get('cam-room-1')!.setInput('DI_1', true);
    const [alert] = await waitFor('panic alert', () => (openPanics(daemon!).length ? openPanics(daemon!) : undefined), 20_000);
    expect(alert).toMatchObject({ severity: 'critical', zoneId: 'room-1' });
    const holds = daemon.services.store.db.prepare('SELECT COUNT(*) AS n FROM footage_holds').get() as { n: number };
    expect(holds.n).toBeGreaterThanOrEqual(1);
  });
});
