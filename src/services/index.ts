/** The daemon's services, built once from the store and the config and shared by the API and drivers. */
import type { Logger } from 'pino';
import { LoginThrottle } from '../auth/throttle.js';
import { EventBus } from '../bus.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { indexSite } from '../domain/site-index.js';
import type { Store } from '../store/store.js';
import { alertService } from '../alerts/service.js';
import { accessEngine } from './access-engine.js';
import { liveFeed } from './live-feed.js';
import { bookingService } from './bookings.js';

export function createServices(deps: { store: Store; config: Readonly<Config>; clock: Clock; logger: Logger }) {
  const { store, config, clock, logger } = deps;
  const site = indexSite(config.site);
  const bus = new EventBus((err, event) => logger.error({ err, event }, 'event listener failed'));
  const access = accessEngine({ store, config, site, clock, bus, logger });
  const bookings = bookingService({ store, config, site, clock, bus });
  return {
    access,
    alerts: alertService({ store, clock, bus, logger, settings: config.settings.alerts }),
    live: liveFeed({ bus, access, now: () => clock.now(), booking: (id) => (store.bookings.get(id) ? bookings.get(id) : undefined) }),
    store,
    config,
    clock,
    site,
    bus,
    throttle: new LoginThrottle(clock),
    bookings,
  };
}

export type Services = ReturnType<typeof createServices>;
