/**
 * What the ONVIF driver tests share: cameras and camera services that are stopped after
 * each test (services first, then the cameras they talk to), and a camera service with its
 * log lines and domain events captured.
 */
import { afterEach } from 'vitest';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import type { CameraConfig } from '../../src/config/schema.js';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import { createCameraService, type CameraService, type CameraServiceOptions } from '../../devices/onvif/camera-service.js';

/** Fast probes and short backoffs, so tests see offline and recovery in seconds. */
const TEST_DRIVER: CameraServiceOptions['driver'] = { probeEveryMs: 5000, backoffMs: 100, maxBackoffMs: 300, requestTimeoutMs: 2000 };

export interface ServedCameras {
  service: CameraService;
  events: DeviceEvent[];
  logs: Array<Record<string, unknown>>;
  /** Status of one camera (the first when no id is given). */
  status(id?: string): ReturnType<CameraService['status']>[number];
  /** The times a camera (any, when no id is given) came online. */
  online(id?: string): DeviceEvent[];
}

/** Registers the after-each cleanup; call once at the top of a test file. */
export function cameraHarness() {
  let services: CameraService[] = [];
  let cameras: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const s of services) await s.stop();
    for (const c of cameras) await c.stop();
    services = [];
    cameras = [];
  });
  return {
    /** Starts a simulated or replayed camera and stops it after the test. */
    async camera<T extends { start(): Promise<unknown>; stop(): Promise<void> }>(camera: T): Promise<T> {
      await camera.start();
      cameras.push(camera);
      return camera;
    },
    /**
     * A started camera service for these device URLs (user `contactd`, password from
     * CAM_PW), stopped after the test. `options.driver` is merged over fast test settings.
     */
    async serve(list: Array<{ id: string; url: string }>, options: Partial<Omit<CameraServiceOptions, 'cameras' | 'env' | 'onEvent' | 'logger' | 'clock'>> & { password: string }): Promise<ServedCameras> {
      const logs: Array<Record<string, unknown>> = [];
      const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
      const configs: CameraConfig[] = list.map(({ id, url }) => ({ id, name: id, zones: ['room-1'], onvif: { url, username: 'contactd', passwordEnv: 'CAM_PW' } }));
      const events: DeviceEvent[] = [];
      const { password, driver, ...rest } = options;
      const service = createCameraService({ ...rest, cameras: configs, env: { CAM_PW: password }, clock: systemClock, logger, onEvent: (e) => events.push(e), driver: { ...TEST_DRIVER, ...driver } });
      services.push(service);
      await service.start();
      return {
        service,
        events,
        logs,
        status: (id) => service.status().find((s) => id === undefined || s.cameraId === id)!,
        online: (id) => events.filter((e) => e.type === 'device-availability' && e.online && (id === undefined || e.deviceId === id)),
      };
    },
  };
}
