/** Starts a real Mosquitto (the production broker) on a free loopback port with a temp config and persistence: for tests and benchmarks. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const MOSQUITTO_HINT = 'Mosquitto not installed: apt-get install -y mosquitto';

export function mosquittoAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v mosquitto || test -x /usr/sbin/mosquitto']).status === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Mosquitto {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function mosquitto(): Promise<Mosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'contactd-mosq-'));
  const conf = path.join(dir, 'mosquitto.conf');
  writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'log_type none', 'set_tcp_nodelay true', ''].join('\n'));
  const bin = spawnSync('sh', ['-c', 'command -v mosquitto || echo /usr/sbin/mosquitto']).stdout.toString().trim();
  let proc: ChildProcess | undefined;
  const waitListening = async () => {
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
        s.on('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('mosquitto did not start');
  };
  return {
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      proc = spawn(bin, ['-c', conf], { stdio: 'ignore' });
      await waitListening();
    },
    async stop() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null) return;
      // SIGTERM: Mosquitto writes its persistence file (sessions, queued QoS 1) on exit.
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
      });
    },
  };
}
