/**
 * Starts the CCTV side of the daemon as services: the ONVIF camera driver (events into
 * the access core: panic inputs, door contacts, offline), one recorder per camera
 * feeding the footage index and tagger, retention, live view, and, when
 * settings.simulators.enabled, a simulated camera for every configured one. Alerts
 * put an evidence hold on the cameras covering their zone.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Logger } from 'pino';
import { createCameraService, type CameraService } from '../../devices/onvif/camera-service.js';
import { createRecorderService, type RecorderService } from '../../devices/recorder/recorder-service.js';
import { startCameraSimulators, type CameraSimulators } from '../../simulators/onvif/index.js';
import type { Service } from '../daemon.js';
import { createFootageServices } from '../footage/index.js';
import type { Services } from './index.js';

export interface CameraHardware {
  services: Service[];
  footage: ReturnType<typeof createFootageServices>;
  cameras(): CameraService | undefined;
  /** Set once started. */
  recorder(): RecorderService | undefined;
  simulators(): CameraSimulators | undefined;
}

/** The simulated cameras serve real video only where ffmpeg and GStreamer's RTSP server are installed. */
function videoToolsPresent(): boolean {
  const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore', timeout: 5000 }).status === 0;
  return ok('ffmpeg', ['-version']) && ok('/usr/bin/python3', ['-c', 'import gi; gi.require_version("GstRtspServer", "1.0")']);
}

export function cameraHardware(s: Services, logger: Logger): CameraHardware {
  const { config, clock, access, store, bus, alerts, site } = s;
  const cameraConfigs = config.site.cameras;
  let cameras: CameraService | undefined;
  let recorder: RecorderService | undefined;
  let sims: CameraSimulators | undefined;
  const footage = createFootageServices({ store, config, clock, logger, bus, streamUri: (id) => cameras?.streamUri(id) });

  // Evidence hold: the cameras covering the alert's zone (or both sides of its door), from 1 min before to 4 min after.
  alerts.onRaised((alert) => {
    const door = alert.doorId ? site.doors.get(alert.doorId) : undefined;
    const zones = alert.zoneId ? [alert.zoneId] : door ? [door.from, door.to] : [];
    for (const zoneId of zones) footage.tagger.holdEvidence({ zoneId, at: alert.raisedAt, alertId: alert.id, reason: alert.kind });
  });

  const services: Service[] = [];
  if (cameraConfigs.length === 0) return { services, footage, cameras: () => undefined, recorder: () => undefined, simulators: () => undefined };
  if (config.settings.simulators.enabled) {
    services.push({
      name: 'camera-simulators',
      async start() {
        const video = videoToolsPresent();
        if (!video) logger.warn('simulated cameras run without video: install ffmpeg and GStreamer RTSP (see README) to record them');
        sims = startCameraSimulators(config, { clock, logger, video, mixDialects: true });
        try {
          await sims.start();
        } catch (err) {
          // The demo must come up even when the video side fails: cameras without video, recording retried.
          logger.error({ err }, 'simulated camera video failed to start; running the camera simulators without video');
          await sims.stop().catch(() => undefined);
          sims = startCameraSimulators(config, { clock, logger, video: false, mixDialects: true });
          await sims.start();
        }
      },
      async stop() {
        await sims?.stop();
      },
    });
  }
  services.push(
    {
      name: 'cameras',
      async start() {
        const inputs = Object.fromEntries(cameraConfigs.filter((c) => c.inputs).map((c) => [c.id, c.inputs!]));
        cameras = createCameraService({
          cameras: cameraConfigs,
          env: process.env,
          inputs,
          clock,
          logger,
          onEvent: (event) => {
            try {
              access.handle(event);
            } catch (err) {
              logger.error({ err, event: event.type }, 'camera event could not be decided');
            }
          },
        });
        await cameras.start();
      },
      async stop() {
        await cameras?.stop();
      },
    },
    {
      name: 'recorder',
      async start() {
        recorder = createRecorderService({
          cameraIds: cameraConfigs.map((c) => c.id),
          footageDir: path.join(config.settings.dataDir, 'footage'),
          streamUri: (id) => cameras?.streamUri(id),
          skewMs: (id) => cameras?.status().find((c) => c.cameraId === id)?.skew?.skewMs ?? 0,
          sink: footage.tagger.sink(),
          freeSpace: (bytes) => footage.retention.freeSpace(bytes),
          segmentSeconds: config.settings.recording.segmentSeconds,
          minFreeBytes: config.settings.recording.minFreeMegabytes * 1024 * 1024,
          transport: config.settings.recording.rtspTransport,
          stallSeconds: config.settings.recording.stallSeconds,
          clock,
          logger,
        });
        await recorder.start();
      },
      async stop() {
        await recorder?.stop();
      },
    },
    footage.service,
  );
  return { services, footage, cameras: () => cameras, recorder: () => recorder, simulators: () => sims };
}
