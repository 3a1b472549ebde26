/**
 * In-process simulated buses for `sim:<busId>` serial paths: the demo runs with no pty and
 * no hardware. The first open of a bus creates its simulated PDs; every (re)open gets a
 * fresh in-memory port pair with the same PDs behind it, so scripted state survives a
 * simulated unplug. Tests and the demo script the PDs through getSimulatedOsdpBus().
 */
import { systemClock, type Clock } from '../../src/clock.js';
import { createMemoryPortPair, type MemoryPort, type PortFactory } from '../../devices/osdp/port.js';
import { SimulatedOsdpBus } from './sim-bus.js';
import type { SimPdOptions } from './sim-pd.js';

interface Registered {
  bus: SimulatedOsdpBus;
  cpEnd?: MemoryPort;
}

const registry = new Map<string, Registered>();

export const SIM_PATH_PREFIX = 'sim:';

/** Creates (or returns) the simulated bus `busId` with one PD per options entry. */
export function startSimulatedOsdpBus(busId: string, pds: Omit<SimPdOptions, 'clock'>[], clock: Clock = systemClock): SimulatedOsdpBus {
  const existing = registry.get(busId);
  if (existing) return existing.bus;
  const bus = new SimulatedOsdpBus(busId, clock, pds);
  registry.set(busId, { bus });
  return bus;
}

export function getSimulatedOsdpBus(busId: string): SimulatedOsdpBus | undefined {
  return registry.get(busId)?.bus;
}

/** Simulates pulling the USB-RS485 adapter of a simulated bus out. */
export function unplugSimulatedOsdpBus(busId: string): void {
  const entry = registry.get(busId);
  entry?.cpEnd?.unplug('simulated adapter unplugged');
  entry?.bus.detach();
}

export function stopSimulatedOsdpBus(busId: string): void {
  unplugSimulatedOsdpBus(busId);
  registry.delete(busId);
}

/**
 * A PortFactory for `sim:<busId>` paths; other paths go to `fallback`. Simulated PDs
 * are created for the requested addresses if the bus was not started beforehand.
 */
export function simulatedPortFactory(fallback?: PortFactory, clock: Clock = systemClock): PortFactory {
  return async (request) => {
    if (!request.path.startsWith(SIM_PATH_PREFIX)) {
      if (!fallback) throw new Error(`no port factory for ${request.path}`);
      return fallback(request);
    }
    const busId = request.path.slice(SIM_PATH_PREFIX.length);
    const bus = startSimulatedOsdpBus(busId, request.addresses.map((address) => ({ address })), clock);
    const [cpEnd, pdEnd] = createMemoryPortPair();
    bus.attach(pdEnd);
    const entry = registry.get(busId);
    if (entry) entry.cpEnd = cpEnd;
    return cpEnd;
  };
}
