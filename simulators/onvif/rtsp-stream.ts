/**
 * A real RTSP test stream for simulated cameras: one ffmpeg per camera draws a test
 * pattern with the camera name and a burned-in clock (H.264, 320x240, a keyframe every
 * second so recordings can cut there, SPS/PPS repeated in-band) and sends it as RTP to a
 * local UDP port; GStreamer's RTSP server (rtsp-server.py beside this file) serves each
 * mount over RTSP (TCP or UDP), one shared pipeline per camera.
 * Debian's rtsp-server-perl was tried first: a reader that dies without TEARDOWN, or joins
 * as the publisher starts, left its relay silent, so it is not used.
 * Debian packages: ffmpeg python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
 * gstreamer1.0-plugins-good gstreamer1.0-plugins-bad.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

export const RTSP_SERVER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rtsp-server.py');

export interface RtspServerOptions {
  /** Mount names served (fixed when the server starts). */
  mounts: readonly string[];
  /** RTSP port; 0 picks a free one. */
  port?: number;
  logger?: Logger;
  /** Python with the GStreamer bindings (Debian's, not a pyenv one). */
  python?: string;
}

async function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      const { port } = sock.address();
      sock.close(() => resolve(port));
    });
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const { connect } = await import('node:net');
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`RTSP server did not open port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface PublisherOptions {
  name: string;
  width?: number;
  height?: number;
  fps?: number;
  /** Seconds between keyframes (segment cuts happen only at keyframes). */
  keyframeSeconds?: number;
  /** Added to the burned-in clock, to show a skewed camera. */
  clockOffsetSeconds?: number;
  /** Target bitrate, e.g. '1M' (default: x264's choice, small for the test pattern). */
  bitrate?: string;
}

export class RtspTestServer {
  port = 0;
  private server: ChildProcess | undefined;
  private readonly udpPorts = new Map<string, number>();
  private readonly publishers = new Map<string, { proc: ChildProcess; options: PublisherOptions }>();

  constructor(private readonly o: RtspServerOptions) {}

  async start(): Promise<void> {
    this.port = this.o.port || (await freePort());
    for (const name of this.o.mounts) this.udpPorts.set(name, await freeUdpPort());
    const args = [RTSP_SERVER_SCRIPT, String(this.port), ...[...this.udpPorts].map(([n, p]) => `${n}=${p}`)];
    this.server = spawn(this.o.python ?? '/usr/bin/python3', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.server.stderr?.on('data', (d: Buffer) => this.o.logger?.warn({ out: d.toString().slice(0, 500) }, 'rtsp-server.py'));
    await waitForPort(this.port, 10_000);
  }

  /** The URI readers (the recorder, live view) use for a mount. */
  uri(name: string): string {
    return `rtsp://127.0.0.1:${this.port}/${name}`;
  }

  /** Starts (or restarts) ffmpeg publishing the test pattern on /name. */
  publish(options: PublisherOptions): void {
    this.unpublish(options.name);
    const udpPort = this.udpPorts.get(options.name);
    if (udpPort === undefined) throw new Error(`no mount ${options.name} on this RTSP server`);
    const fps = options.fps ?? 10;
    const offset = options.clockOffsetSeconds ?? 0;
    // %{pts\:localtime\:EPOCH} would need the start time; localtime plus an offset reads like a camera clock.
    const clock = offset === 0 ? "%{localtime\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S}" : `%{pts\\:localtime\\:${Math.floor(Date.now() / 1000) + offset}}`;
    const filter = `testsrc2=size=${options.width ?? 320}x${options.height ?? 240}:rate=${fps},drawtext=text='${options.name} ${clock}':fontcolor=white:fontsize=14:box=1:boxcolor=black@0.6:x=6:y=6`;
    const proc = spawn(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', filter, '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', ...(options.bitrate ? ['-b:v', options.bitrate] : []),
        '-g', String(Math.round(fps * (options.keyframeSeconds ?? 1))), '-pix_fmt', 'yuv420p', '-f', 'rtp', '-payload_type', '96', `rtp://127.0.0.1:${udpPort}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    proc.stderr?.on('data', (d: Buffer) => this.o.logger?.debug({ mount: options.name, out: d.toString() }, 'publisher ffmpeg'));
    this.publishers.set(options.name, { proc, options });
  }

  /** Stops a mount's publisher (the camera's stream goes dead, as when it is unplugged). */
  unpublish(name: string): void {
    const p = this.publishers.get(name);
    if (!p) return;
    p.proc.kill('SIGKILL');
    this.publishers.delete(name);
  }

  async stop(): Promise<void> {
    for (const name of [...this.publishers.keys()]) this.unpublish(name);
    const server = this.server;
    this.server = undefined;
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  }
}
