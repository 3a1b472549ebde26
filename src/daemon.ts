/**
 * The running daemon: config -> store (migrated) -> site sync -> services -> HTTP.
 * Nothing opens before the config has validated. Stops in reverse order on SIGINT/SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildApp } from './api/app.js';
import { deviceRoutes, type DeviceStatsSources } from './api/routes/devices.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config/schema.js';
import { createLogger } from './log.js';
import { cameraHardware, type CameraHardware } from './services/cameras.js';
import { doorHardware, type DoorHardware } from './services/devices.js';
import { liveCameraRoutes } from './footage/live-route.js';
import { createServices, type Services } from './services/index.js';
import { openStore, type Store } from './store/store.js';

/** A long-running part of the daemon (broker, drivers, recorder, simulators). */
export interface Service {
  name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  config: Readonly<Config>;
  configFile: string;
  clock?: Clock;
  logger?: Logger;
}

export interface RunningDaemon {
  app: FastifyInstance;
  services: Services;
  hardware: DoorHardware;
  cctv: CameraHardware;
  store: Store;
  logger: Logger;
  /** The address the HTTP server listens on, e.g. http://127.0.0.1:8080 */
  url: string;
  stop(): Promise<void>;
}

/** What GET /api/devices reports, read from the running drivers. */
function deviceStatsOf(hardware: DoorHardware, cctv: CameraHardware, startedAt: number): DeviceStatsSources {
  return {
    startedAt,
    mqtt: () => {
      const driver = hardware.mqttDriver();
      return driver && { connected: hardware.brokerConnected(), ...driver.stats() };
    },
    osdp: () => {
      const osdp = hardware.osdpDriver();
      return osdp && { ...osdp.stats };
    },
    recorders: () => {
      const recorder = cctv.recorder();
      if (!recorder) return undefined;
      const cameras = Object.fromEntries([...recorder.recorders].map(([id, r]) => [id, { recording: r.recording, segments: r.segments, restarts: r.restarts }]));
      return { diskFull: recorder.diskFull, cameras };
    },
  };
}

export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.settings.logLevel);
  const store = openStore(config.settings.dataDir, clock);
  const services: Service[] = [];
  let app: FastifyInstance | undefined;
  let ctx: Services | undefined;
  let hardware: DoorHardware | undefined;
  let cctv: CameraHardware | undefined;
  try {
    const site = store.site.sync(config.site);
    store.audit.append({
      actor: 'system',
      action: 'config.load',
      subject: `site:${config.site.id}`,
      details: { file: options.configFile, hash: site.hash, changed: site.changed, siteVersion: site.version },
    });
    logger.info({ file: options.configFile, site: config.site.id, dataDir: config.settings.dataDir }, 'configuration loaded');
    if (store.users.count() === 0) announceFirstAdmin(logger, options.configFile);

    ctx = createServices({ store, config, clock, logger });
    const access = ctx.access;
    hardware = doorHardware(ctx, logger);
    cctv = cameraHardware(ctx, logger);
    const { alerts, live } = ctx;
    services.push(
      { name: 'live-feed', start: async () => live.start(), stop: async () => live.stop() },
      { name: 'alerts', start: async () => alerts.start(), stop: async () => alerts.stop() },
      { name: 'access-engine', start: async () => access.start(), stop: async () => access.stop() },
      ...hardware.services,
      ...cctv.services,
    );
    for (const service of services) {
      await service.start();
      logger.info({ service: service.name }, 'service started');
    }
    app = await buildApp({ ctx, logger, extraRoutes: [liveCameraRoutes(cctv.footage.liveRouteDeps), deviceRoutes(deviceStatsOf(hardware, cctv, clock.now()))] });
    const url = await app.listen({ host: config.settings.http.host, port: config.settings.http.port });
    logger.info({ url }, 'contactd is listening');
    let stopped = false;
    return {
      app,
      services: ctx,
      hardware,
      cctv,
      store,
      logger,
      url,
      async stop() {
        if (stopped) return;
        stopped = true;
        await app!.close();
        // The core stops listening first, so devices switching off during shutdown raise no alerts.
        const core = new Set(['access-engine', 'alerts', 'live-feed']);
        const order = [...services.filter((x) => core.has(x.name)).reverse(), ...services.filter((x) => !core.has(x.name)).reverse()];
        for (const service of order) {
          await service.stop().catch((e: unknown) => logger.error({ err: e, service: service.name }, 'service stop failed'));
        }
        store.close();
        logger.info('contactd stopped');
      },
    };
  } catch (e) {
    await app?.close().catch(() => undefined);
    for (const service of [...services].reverse()) await service.stop().catch(() => undefined);
    store.close();
    throw e;
  }
}

function announceFirstAdmin(logger: Logger, configFile: string): void {
  const args = `user add admin --role admin --config ${configFile}`;
  logger.warn({ howTo: `contactd ${args}` }, 'no user accounts yet: create the first admin');
  // Also on stderr in plain words: the first thing an installer reads.
  process.stderr.write(
    '\ncontactd has no user accounts yet. Create the first administrator (it asks for a password):\n\n' +
      `  contactd ${args}\n  (from a source checkout: npm run contactd -- ${args})\n\n` +
      'contactd never ships a default password.\n\n',
  );
}
