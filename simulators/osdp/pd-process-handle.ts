/**
 * The parent's side of pd-process.ts: forks simulated PDs into their own process on a
 * serial port path (a socat pty end) and drives them over IPC.
 *   const pds = await forkSimulatedPds({ path: pty.b, pds: [{ address: 1 }] });
 *   await pds.script('card 1 h10301 12 3456');
 *   const on = await pds.waitForOutput(1, 0, true);
 *   await pds.stop();
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { workerModule } from '../../src/worker-module.js';
import type { PdProcessMessage, PdProcessRequest } from './pd-process.js';
import type { SimPdOptions } from './sim-pd.js';

export type OutputReport = Extract<PdProcessMessage, { type: 'output' }>;

export interface PdProcess {
  readonly pid: number;
  /** Runs one script.ts line in the PD process; rejects with its error text. */
  script(line: string): Promise<string>;
  /** Command frames the PD at `address` has received, by command code. */
  frames(address: number): Promise<Record<number, number>>;
  /** Every relay change reported so far, oldest first. */
  readonly outputs: OutputReport[];
  waitForOutput(address: number, output: number, active: boolean, timeoutMs?: number): Promise<OutputReport>;
  stop(): Promise<void>;
}

export interface ForkOptions {
  path: string;
  baudRate?: number;
  pds: Omit<SimPdOptions, 'clock'>[];
  startTimeoutMs?: number;
}

export async function forkSimulatedPds(options: ForkOptions): Promise<PdProcess> {
  // From the TypeScript source (the test runner) the child needs tsx; from dist it does not.
  const { url, execArgv } = workerModule(import.meta.url, 'pd-process');
  const child = fork(fileURLToPath(url), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const outputs: OutputReport[] = [];
  const waiting = new Map<number, { resolve: (m: PdProcessMessage) => void; reject: (e: Error) => void }>();
  const outputListeners = new Set<(o: OutputReport) => void>();
  child.on('message', (m: PdProcessMessage) => {
    if (m.type === 'output') {
      outputs.push(m);
      for (const l of [...outputListeners]) l(m);
    } else if ((m.type === 'script' || m.type === 'frames') && waiting.has(m.id)) {
      waiting.get(m.id)?.resolve(m);
      waiting.delete(m.id);
    }
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`simulated PD process exited with ${code}`));
    waiting.clear();
  });
  await started(child, options);
  let nextId = 0;
  const ask = (request: Extract<PdProcessRequest, { id: number }>) =>
    new Promise<PdProcessMessage>((resolve, reject) => {
      if (!child.connected) return reject(new Error('simulated PD process has exited'));
      waiting.set(request.id, { resolve, reject });
      child.send(request);
    });
  return {
    pid: child.pid as number,
    outputs,
    async script(line) {
      const m = (await ask({ type: 'script', id: nextId++, line })) as Extract<PdProcessMessage, { type: 'script' }>;
      if (!m.ok) throw new Error(m.text);
      return m.text;
    },
    async frames(address) {
      return ((await ask({ type: 'frames', id: nextId++, address })) as Extract<PdProcessMessage, { type: 'frames' }>).counts;
    },
    waitForOutput(address, output, active, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const match = (o: OutputReport) => o.address === address && o.output === output && o.active === active;
        const timer = setTimeout(() => {
          outputListeners.delete(listener);
          reject(new Error(`pd ${address} output ${output} did not become ${active} within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (o: OutputReport) => {
          if (!match(o)) return;
          clearTimeout(timer);
          outputListeners.delete(listener);
          resolve(o);
        };
        outputListeners.add(listener);
      });
    },
    stop: () => stopChild(child),
  };
}

function started(child: ChildProcess, options: ForkOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error('simulated PD process did not start'));
    }, options.startTimeoutMs ?? 15_000);
    const onMessage = (m: PdProcessMessage) => {
      if (m.type !== 'ready' && m.type !== 'failed') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (m.type === 'ready') resolve();
      else reject(new Error(`simulated PD process: ${m.error}`));
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`simulated PD process exited with ${code}`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send({ type: 'start', path: options.path, baudRate: options.baudRate ?? 115200, pds: options.pds } satisfies PdProcessRequest);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'stop' } satisfies PdProcessRequest);
    else child.kill('SIGTERM');
  });
}
