/** The whole-centre day simulator (issue 9): `simulate()` and its report. */
export { simulate, type SimulateOptions } from './simulate.js';
export { buildReport, formatReport, type SimulationReport } from './report.js';
export { startRig, makeCard, type CentreRig, type DoorHw, type Card } from './rig.js';
export type { FaultMode } from './faults.js';
