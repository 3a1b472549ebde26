/**
 * The footage capability for the daemon: the index, the tagger (also the recorders'
 * sink), retention with a daily sweep, and live view. The lead wires it:
 *
 *   const footage = createFootageServices({ store, config, clock, logger, bus, streamUri: cameras.streamUri });
 *   createRecorderService({ ..., sink: footage.tagger.sink(), freeSpace: footage.retention.freeSpace })
 *   app routes: footageExportRoutes, liveCameraRoutes(footage.liveRouteDeps)
 *   alerts: footage.tagger.holdEvidence({ zoneId, at, alertId })
 */
import type { Logger } from 'pino';
import type { EventBus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { footageRepo } from '../store/repos/footage.js';
import type { Store } from '../store/store.js';
import { createLiveHub } from './live.js';
import type { LiveRouteDeps } from './live-route.js';
import { createRetention } from './retention-service.js';
import { createFootageTagger } from './tagger.js';

export { footageExportRoutes } from './export-route.js';
export { footagePlaybackRoutes } from './playback-route.js';
export { liveCameraRoutes } from './live-route.js';
export { exportVisit } from './export.js';

export interface FootageServiceDeps {
  store: Store;
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
  bus?: EventBus;
  /** From the camera service: a camera's RTSP URI once connected. */
  streamUri: (cameraId: string) => string | undefined;
  sweepEveryMs?: number;
}

export function createFootageServices(d: FootageServiceDeps) {
  const footage = footageRepo(d.store.db, () => d.clock.now());
  const { alerts, retention: retentionSettings } = d.config.settings;
  const tagger = createFootageTagger({
    store: d.store,
    footage,
    site: d.config.site,
    clock: d.clock,
    logger: d.logger,
    ...(d.bus ? { bus: d.bus } : {}),
    evidence: { beforeSeconds: alerts.evidenceBeforeSeconds, afterSeconds: alerts.evidenceAfterSeconds },
  });
  const retention = createRetention({ store: d.store, footage, clock: d.clock, logger: d.logger, settings: retentionSettings });
  const live = createLiveHub({ streamUri: d.streamUri, logger: d.logger });
  const liveRouteDeps: LiveRouteDeps = { hub: live, cameraIds: d.config.site.cameras.map((c) => c.id), audit: d.store.audit, now: () => d.clock.now() };
  let cancelSweep: (() => void) | undefined;
  const scheduleSweep = () => {
    cancelSweep = d.clock.setTimeout(() => {
      void retention
        .sweep()
        .catch((e: unknown) => d.logger.error({ err: e }, 'retention sweep failed'))
        .finally(scheduleSweep);
    }, d.sweepEveryMs ?? 3_600_000);
  };
  return {
    footage,
    tagger,
    retention,
    live,
    liveRouteDeps,
    /** A daemon Service: bus listener for retagging and the hourly retention sweep. */
    service: {
      name: 'footage',
      async start() {
        tagger.start();
        scheduleSweep();
      },
      async stop() {
        tagger.stop();
        cancelSweep?.();
        live.stopAll();
      },
    },
  };
}

export type FootageServices = ReturnType<typeof createFootageServices>;
