/**
 * Simulated PDs in a process of their own, driven over IPC (forked by pd-process-handle.ts).
 * Real readers are separate devices: they answer on time whatever the CP's process is
 * doing, which in-process PDs cannot (they stall with the CP). The PDs sit on a serial
 * port (a socat pty end); the parent scripts them with script.ts lines, hears every
 * relay change, and can ask how many command frames of each code a PD has seen (a resent
 * command counts again here, though the PD answers it from its last reply, section 5.7).
 */
import { serialPortFactory, type SerialPortLike } from '../../devices/osdp/port.js';
import { FrameParser } from '../../devices/osdp/frame-parser.js';
import { systemClock } from '../../src/clock.js';
import { runSimScript } from './script.js';
import { SimulatedOsdpBus } from './sim-bus.js';
import type { SimPdOptions } from './sim-pd.js';

export type PdProcessRequest =
  | { type: 'start'; path: string; baudRate: number; pds: Omit<SimPdOptions, 'clock'>[] }
  | { type: 'script'; id: number; line: string }
  | { type: 'frames'; id: number; address: number }
  | { type: 'stop' };

export type PdProcessMessage =
  | { type: 'ready' }
  | { type: 'failed'; error: string }
  | { type: 'script'; id: number; ok: boolean; text: string }
  /** Command frames seen for one address, by command code (e.g. 0x68 osdp_OUT). */
  | { type: 'frames'; id: number; counts: Record<number, number> }
  /** A relay change; `wallAt` is Date.now(), the one clock both processes share. */
  | { type: 'output'; address: number; output: number; active: boolean; wallAt: number };

const send = (m: PdProcessMessage) => process.send?.(m);

let bus: SimulatedOsdpBus | undefined;
let port: SerialPortLike | undefined;
const frames = new Map<number, Record<number, number>>();

async function start(request: Extract<PdProcessRequest, { type: 'start' }>): Promise<void> {
  bus = new SimulatedOsdpBus('pd-process', systemClock, request.pds);
  port = await serialPortFactory({ busId: 'pd-process', path: request.path, baudRate: request.baudRate, addresses: [] });
  const counter = new FrameParser({
    onFrame: (f) => {
      if (f.reply) return;
      const counts = frames.get(f.address) ?? {};
      counts[f.code] = (counts[f.code] ?? 0) + 1;
      frames.set(f.address, counts);
    },
  });
  port.on('data', (chunk) => counter.push(chunk));
  bus.attach(port);
  for (const address of bus.addresses) {
    bus.pd(address).onOutputChange((c) => send({ type: 'output', address, output: c.output, active: c.active, wallAt: Date.now() }));
  }
  send({ type: 'ready' });
}

async function stop(): Promise<void> {
  bus?.detach();
  await port?.close();
  process.exit(0);
}

process.on('message', (request: PdProcessRequest) => {
  switch (request.type) {
    case 'start':
      start(request).catch((e: unknown) => send({ type: 'failed', error: (e as Error).message }));
      return;
    case 'script':
      try {
        send({ type: 'script', id: request.id, ok: true, text: runSimScript(bus as SimulatedOsdpBus, request.line) });
      } catch (e) {
        send({ type: 'script', id: request.id, ok: false, text: (e as Error).message });
      }
      return;
    case 'frames':
      send({ type: 'frames', id: request.id, counts: { ...frames.get(request.address) } });
      return;
    case 'stop':
      void stop();
      return;
  }
});

// The parent gone (test runner killed): do not linger holding the pty.
process.on('disconnect', () => void stop());
