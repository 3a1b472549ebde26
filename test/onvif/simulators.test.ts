import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import type { Config } from '../../src/config/schema.js';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import { createCameraService } from '../../devices/onvif/camera-service.js';
import { discoverCameras } from '../../devices/onvif/discovery.js';
import { DiscoveryResponder, startCameraSimulators, type CameraSimulators } from '../../simulators/onvif/index.js';
import { freePort } from '../../simulators/onvif/rtsp-stream.js';

let sims: CameraSimulators | undefined;
let responder: DiscoveryResponder | undefined;
afterEach(async () => {
  await sims?.stop();
  await responder?.stop();
  sims = undefined;
  responder = undefined;
});

async function siteWithCameras(n: number): Promise<Config> {
  const cameras = [];
  for (let i = 0; i < n; i++) {
    cameras.push({ id: `cam-${i}`, name: `Camera ${i}`, zones: ['lobby-a'], onvif: { url: `http://127.0.0.1:${await freePort()}/onvif/device_service`, username: 'contactd', passwordEnv: 'SIM_PW' } });
  }
  return { site: { cameras }, settings: {} } as unknown as Config;
}

describe('camera simulators for a site', () => {
  it('starts one simulator per configured camera (mixed vendor dialects) that the camera service connects to', async () => {
    const config = await siteWithCameras(4);
    sims = startCameraSimulators(config, { env: { SIM_PW: 'pw' }, video: false, mixDialects: true });
    await sims.start();
    const events: DeviceEvent[] = [];
    const service = createCameraService({ cameras: config.site.cameras, env: { SIM_PW: 'pw' }, clock: systemClock, logger: pino({ level: 'silent' }), onEvent: (e) => events.push(e) });
    await service.start();
    try {
      const end = Date.now() + 8000;
      while (events.filter((e) => e.type === 'device-availability' && e.online).length < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(new Set(events.filter((e) => e.type === 'device-availability' && e.online).map((e) => (e as { deviceId: string }).deviceId))).toEqual(new Set(['cam-0', 'cam-1', 'cam-2', 'cam-3']));
      expect(service.streamUri('cam-2')).toBe('rtsp://127.0.0.1:554/cam-2');
    } finally {
      await service.stop();
    }
  });

  it('answers a WS-Discovery probe with each camera\'s device service address', async () => {
    const config = await siteWithCameras(2);
    sims = startCameraSimulators(config, { env: { SIM_PW: 'pw' }, video: false });
    await sims.start();
    responder = new DiscoveryResponder(() => [...sims!.cameras.values()].map((c) => ({ deviceUrl: c.deviceUrl, name: 'x' })));
    try {
      await responder.start();
    } catch (e) {
      console.warn(`skipping discovery: cannot bind UDP 3702 (${(e as Error).message})`);
      return;
    }
    const found = await discoverCameras(1500);
    if (responder.probes === 0) {
      console.warn('skipping discovery assertion: no multicast route on this host');
      return;
    }
    expect(found.map((f) => f.url).sort()).toEqual([...sims.cameras.values()].map((c) => c.deviceUrl).sort());
  });
});
