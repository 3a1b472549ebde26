/**
 * Start-up: from spawning `contactd start` (demo config, simulators off, fresh data dir)
 * to the first 200 from /healthz; beside a bare Node HTTP server's spawn-to-first-answer
 * measured in the same run. The target: /healthz answers within 2 s.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchSuite } from './suite.js';
import { percentile } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The compiled CLI when running from dist, else the TypeScript source through tsx. */
function cliCommand(): string[] {
  const js = path.resolve(here, '../src/cli/main.js');
  if (existsSync(js)) return [js];
  return ['--import', 'tsx', path.resolve(here, '../src/cli/main.ts')];
}

async function timeToAnswer(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (c: Buffer) => {
        out += c.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    for (;;) {
      const res = await fetch(`${url}/healthz`).catch(() => undefined);
      if (res?.status === 200) return performance.now() - started;
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const BARE = `require('node:http').createServer((q,s)=>s.end('ok')).listen(0,'127.0.0.1',function(){console.log('http://127.0.0.1:'+this.address().port)})`;

export const startupSuite: BenchSuite = {
  name: 'startup',
  async run(ctx: BenchContext) {
    const root = path.resolve(here, existsSync(path.resolve(here, '../src/cli/main.js')) ? '../..' : '..');
    const runs = ctx.quick ? 3 : 5;
    const daemon: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'contactd-bench-start-'));
      try {
        daemon.push(
          await timeToAnswer([...cliCommand(), 'start', '--config', path.join(root, 'config/default.json')], {
            CONTACTD_DATA_DIR: dataDir,
            CONTACTD_HTTP_PORT: '0',
            CONTACTD_MQTT_PORT: '0',
            CONTACTD_SIMULATORS: 'false',
          }, root),
        );
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
      bare.push(await timeToAnswer(['-e', BARE], {}, root));
    }
    ctx.log(`daemon ${daemon.map((x) => x.toFixed(0)).join(', ')} ms; bare node ${bare.map((x) => x.toFixed(0)).join(', ')} ms`);
    return { startup_healthz_ms: percentile(daemon, 50), startup_bare_node_ms: percentile(bare, 50), startup_ratio: percentile(daemon, 50) / percentile(bare, 50) };
  },
};
