/** Simulated OSDP PDs (readers and I/O boards) for tests, the benchmark and the demo. */
export { SimulatedPd, type SimFault, type SimPdOptions, type OutputChange } from './sim-pd.js';
export { SimulatedOsdpBus } from './sim-bus.js';
export type { SimSecureOptions } from './sim-secure.js';
export {
  SIM_PATH_PREFIX, getSimulatedOsdpBus, simulatedPortFactory, startSimulatedOsdpBus, stopSimulatedOsdpBus, unplugSimulatedOsdpBus,
} from './in-process.js';
export { openPtyPair, socatAvailable, type PtyPair } from './pty.js';
export { runSimScript } from './script.js';
