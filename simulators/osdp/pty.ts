/**
 * A real pseudo-terminal pair from socat (`apt-get install socat`), for tests that must
 * go through the kernel tty layer and the `serialport` package like a real adapter.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

export interface PtyPair {
  a: string;
  b: string;
  close(): Promise<void>;
}

export function openPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
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
        resolve({
          a: paths[0] as string,
          b: paths[1] as string,
          close: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
  });
}
