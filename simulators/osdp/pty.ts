/**
 * A real pseudo-terminal pair from socat (`apt-get install socat`), for tests that must
 * go through the kernel tty layer and the `serialport` package like a real adapter.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

/**
 * Spawns `socat -d -d pty,raw,echo=0 pty,raw,echo=0` and reads the two /dev/pts paths
 * from its stderr. With `links`, socat also creates symlinks with those names, so a
 * pair can be torn down and recreated under the same paths (an adapter re-plugged).
 */
export function openPtyPair(options: { links?: [string, string]; timeoutMs?: number } = {}): Promise<PtyPair> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const end = (link?: string) => `pty,raw,echo=0${link ? `,link=${link}` : ''}`;
  return new Promise((resolve, reject) => {
    const args = ['-d', '-d', end(options.links?.[0]), end(options.links?.[1])];
    const child: ChildProcess = spawn('socat', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const paths: string[] = [];
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`socat did not report two ptys: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const m of stderr.matchAll(/PTY is (\/dev\/pts\/\d+)/g)) if (!paths.includes(m[1] as string)) paths.push(m[1] as string);
      if (paths.length === 2) {
        clearTimeout(timer);
        void linksReady(options.links).then(() => resolve({
          a: options.links?.[0] ?? (paths[0] as string),
          b: options.links?.[1] ?? (paths[1] as string),
          close: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        }));
      }
    });
  });
}

/** socat reports the ptys just before it creates the symlinks: wait for them (up to 1 s). */
async function linksReady(links: [string, string] | undefined): Promise<void> {
  for (let i = 0; links && i < 100 && !links.every((l) => existsSync(l)); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}
