/** The pure domain core: one import for the store, the API, the daemon and the simulators. */
export * from './model.js';
export * from './device-events.js';
export * from './local-time.js';
export * from './site-index.js';
export * from './stagger.js';
export * from './booking-rules.js';
export * from './planner.js';
export * from './day-plan-check.js';
export * from './safe-start.js';
export * from './assess-booking.js';
export * from './credentials.js';
export * from './occupancy.js';
export * from './access-types.js';
export * from './access-state.js';
export * from './access-hold.js';
export { decide, auditedInput, type DecideResult } from './decide.js';
export type { Handled } from './decide-credential.js';
