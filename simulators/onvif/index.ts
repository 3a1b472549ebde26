/**
 * Simulated cameras for the demo and CI: one CameraSim per configured camera on the port
 * of its onvif.url (the demo config uses 127.0.0.1:18081..18089), each pointing its stream
 * URI at a mount of one shared RTSP test server with an ffmpeg publisher per camera.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import type { Config } from '../../src/config/schema.js';
import { CameraSim } from './camera-sim.js';
import { DIALECTS } from './dialects.js';
import { RtspTestServer } from './rtsp-stream.js';

export { CameraSim } from './camera-sim.js';
export { DIALECTS } from './dialects.js';
export { RtspTestServer } from './rtsp-stream.js';
export { DiscoveryResponder } from './discovery-responder.js';

export interface CameraSimulators {
  name: string;
  cameras: ReadonlyMap<string, CameraSim>;
  rtsp: RtspTestServer | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface CameraSimulatorOptions {
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  logger?: Logger;
  /** Serve real RTSP video (needs ffmpeg and GStreamer); false for SOAP-only simulators. */
  video?: boolean;
  /** Vary vendor answer shapes across cameras (the demo shows the driver copes). */
  mixDialects?: boolean;
}

export function startCameraSimulators(config: Readonly<Config>, o: CameraSimulatorOptions = {}): CameraSimulators {
  const env = o.env ?? process.env;
  const cameras = new Map<string, CameraSim>();
  const dialects = Object.values(DIALECTS);
  const rtsp = o.video === false ? undefined : new RtspTestServer({ mounts: config.site.cameras.map((c) => c.id), ...(o.logger ? { logger: o.logger } : {}) });
  config.site.cameras.forEach((camera, i) => {
    const url = new URL(camera.onvif.url);
    const password = camera.onvif.passwordEnv ? (env[camera.onvif.passwordEnv] ?? '') : '';
    cameras.set(
      camera.id,
      new CameraSim({
        host: url.hostname,
        port: Number(url.port || 80),
        username: camera.onvif.username,
        password,
        dialect: o.mixDialects ? dialects[i % dialects.length] : DIALECTS.standard,
        rtspUri: rtsp ? `rtsp://127.0.0.1:0/${camera.id}` : `rtsp://${url.hostname}:554/${camera.id}`,
        ...(o.clock ? { clock: o.clock } : {}),
        facts: { model: `SimCam ${camera.name}` },
      }),
    );
  });
  return {
    name: 'camera-simulators',
    cameras,
    rtsp,
    async start() {
      if (rtsp) {
        await rtsp.start();
        for (const camera of config.site.cameras) {
          rtsp.publish({ name: camera.id });
          cameras.get(camera.id)!.setStreamUri(rtsp.uri(camera.id));
        }
      }
      for (const sim of cameras.values()) await sim.start();
    },
    async stop() {
      for (const sim of cameras.values()) await sim.stop().catch(() => undefined);
      await rtsp?.stop();
    },
  };
}
