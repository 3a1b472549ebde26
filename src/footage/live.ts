/**
 * Live view streams for the dashboard: per camera one ffmpeg (node-rtsp-stream's
 * Mpeg1Muxer: RTSP in, MPEG-1 in MPEG-TS out) shared by every viewer, started when the
 * first viewer connects and stopped after the last leaves. Viewers get the 8-byte JSMpeg
 * header ("jsmp", width, height as u16 BE) first, then the stream. Restarted while
 * viewers remain if ffmpeg dies. Only the daemon's authenticated route feeds viewers;
 * node-rtsp-stream's own unauthenticated WebSocket server is never used.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Logger } from 'pino';

interface Mpeg1MuxerLike {
  stream: ChildProcess;
  on(event: 'mpeg1data', listener: (data: Buffer) => void): void;
  on(event: 'ffmpegStderr', listener: (data: Buffer) => void): void;
}
type Mpeg1MuxerCtor = new (options: { url: string; ffmpegPath: string; ffmpegOptions?: Record<string, string | number> }) => Mpeg1MuxerLike;

const Mpeg1Muxer = createRequire(import.meta.url)('node-rtsp-stream/mpeg1muxer.js') as Mpeg1MuxerCtor;

export interface Viewer {
  send(data: Buffer): void;
}

export interface LiveHubOptions {
  streamUri: (cameraId: string) => string | undefined;
  logger: Logger;
  ffmpegPath?: string;
  width?: number;
  height?: number;
  /** Output bitrate and frame rate of the MPEG-1 stream. */
  bitrate?: string;
  fps?: number;
}

interface Feed {
  muxer: Mpeg1MuxerLike;
  viewers: Set<Viewer>;
  stopping: boolean;
}

export function jsmpegHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(8);
  b.write('jsmp', 0, 'ascii');
  b.writeUInt16BE(width, 4);
  b.writeUInt16BE(height, 6);
  return b;
}

export function createLiveHub(o: LiveHubOptions) {
  const feeds = new Map<string, Feed>();

  function startFeed(cameraId: string, viewers: Set<Viewer>): Feed | undefined {
    const url = o.streamUri(cameraId);
    if (!url) return undefined;
    const muxer = new Mpeg1Muxer({
      url,
      ffmpegPath: o.ffmpegPath ?? 'ffmpeg',
      ffmpegOptions: { '-an': '', '-b:v': o.bitrate ?? '600k', '-r': o.fps ?? 25, '-s': `${o.width ?? 320}x${o.height ?? 240}`, '-loglevel': 'error' },
    });
    const feed: Feed = { muxer, viewers, stopping: false };
    muxer.on('mpeg1data', (data) => {
      for (const v of feed.viewers) v.send(data);
    });
    muxer.on('ffmpegStderr', (d) => o.logger.debug({ camera: cameraId, ffmpeg: d.toString().slice(0, 300) }, 'live view ffmpeg'));
    muxer.stream.once('exit', () => {
      if (feed.stopping || feeds.get(cameraId) !== feed) return;
      feeds.delete(cameraId);
      if (feed.viewers.size > 0) {
        o.logger.warn({ camera: cameraId }, 'live view ffmpeg ended while watched; restarting');
        setTimeout(() => {
          if (!feeds.has(cameraId) && feed.viewers.size > 0) {
            const again = startFeed(cameraId, feed.viewers);
            if (again) feeds.set(cameraId, again);
          }
        }, 1000);
      }
    });
    return feed;
  }

  return {
    /** Adds a viewer; returns a function that removes it (stopping ffmpeg after the last). */
    watch(cameraId: string, viewer: Viewer): (() => void) | undefined {
      let feed = feeds.get(cameraId);
      if (!feed) {
        feed = startFeed(cameraId, new Set());
        if (!feed) return undefined;
        feeds.set(cameraId, feed);
      }
      viewer.send(jsmpegHeader(o.width ?? 320, o.height ?? 240));
      feed.viewers.add(viewer);
      const f = feed;
      return () => {
        f.viewers.delete(viewer);
        if (f.viewers.size === 0 && feeds.get(cameraId) === f) {
          f.stopping = true;
          feeds.delete(cameraId);
          f.muxer.stream.kill('SIGTERM');
        }
      };
    },
    viewers: (cameraId: string): number => feeds.get(cameraId)?.viewers.size ?? 0,
    running: (cameraId: string): boolean => feeds.has(cameraId),
    pid: (cameraId: string): number | undefined => feeds.get(cameraId)?.muxer.stream.pid,
    stopAll(): void {
      for (const [id, f] of feeds) {
        f.stopping = true;
        f.muxer.stream.kill('SIGTERM');
        feeds.delete(id);
      }
    },
  };
}

export type LiveHub = ReturnType<typeof createLiveHub>;
