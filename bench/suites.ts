/** Every benchmark suite, in the order they run. Add a line per suite. */
import type { BenchSuite } from './suite.js';
import { mqttSuite } from './mqtt.js';
import { domainSuite } from './domain.js';
import { osdpSuite } from './osdp.js';
import { startupSuite } from './startup.js';
import { dashboardSuite } from './dashboard.js';
import { footageSuite } from './footage.js';

export const suites: BenchSuite[] = [startupSuite, mqttSuite, osdpSuite, domainSuite, dashboardSuite, footageSuite];
