/**
 * Cameras: a live tile for each camera. A tile opens the camera's MPEG-1 WebSocket
 * (GET /live/cameras/:id, the recorder's stream for JSMpeg) and draws it when the JSMpeg
 * decoder is present at /vendor/jsmpeg.min.js (the build copies it from the
 * @cycjimmy/jsmpeg-player package);
 * without it the tile still shows whether video is arriving and at what rate. Tiles
 * close their sockets when the view is left.
 */
import { h } from '../dom.js';
import { zoneName } from '../format.js';
import type { View } from '../main.js';
import { state } from '../state.js';

interface JSMpegPlayer {
  destroy(): void;
}
type JSMpegGlobal = {
  Player: new (url: string, options: { canvas: HTMLCanvasElement; audio: boolean; autoplay: boolean; disableWebAssembly: boolean; onVideoDecode?: () => void }) => JSMpegPlayer;
};

const closers: (() => void)[] = [];
const NO_PICTURE_MS = 4000;
let decoder: Promise<JSMpegGlobal | undefined> | undefined;

function loadDecoder(): Promise<JSMpegGlobal | undefined> {
  decoder ??= new Promise((resolve) => {
    const script = h('script', { src: '/vendor/jsmpeg.min.js' });
    script.onload = () => resolve((window as unknown as { JSMpeg?: JSMpegGlobal }).JSMpeg);
    script.onerror = () => resolve(undefined);
    document.head.append(script);
  });
  return decoder;
}

function streamUrl(cameraId: string): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/live/cameras/${encodeURIComponent(cameraId)}`;
}

/** Without a decoder: count the bytes arriving so reception sees the camera is alive. */
function watchBytes(cameraId: string, status: HTMLElement, tile: HTMLElement): () => void {
  const socket = new WebSocket(streamUrl(cameraId));
  socket.binaryType = 'arraybuffer';
  let bytes = 0;
  socket.onmessage = (e) => {
    bytes += (e.data as ArrayBuffer).byteLength ?? 0;
  };
  socket.onclose = () => {
    status.textContent = 'no stream (camera offline or not recorded)';
    tile.dataset['state'] = 'offline';
  };
  const timer = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    tile.dataset['state'] = bytes > 0 ? 'playing' : 'waiting';
    status.textContent = bytes > 0 ? `receiving video, ${Math.round(bytes / 1024)} kB/s (no decoder installed)` : 'connected, waiting for video';
    bytes = 0;
  }, 1000);
  return () => {
    clearInterval(timer);
    socket.onclose = null;
    socket.close();
  };
}

function tile(camera: { id: string; name: string; zones: string[] }): HTMLElement {
  const canvas = h('canvas', { width: 320, height: 240, 'aria-label': `Live picture from ${camera.name}` });
  const status = h('p', { class: 'hint', role: 'status' }, 'connecting…');
  const el = h('li', { class: 'tile', 'data-camera': camera.id, 'data-state': 'connecting' }, h('h2', {}, camera.name), canvas, h('p', { class: 'hint' }, camera.zones.map(zoneName).join(', ')), status);
  void loadDecoder().then((JSMpeg) => {
    if (!el.isConnected) return;
    if (!JSMpeg) return void closers.push(watchBytes(camera.id, status, el));
    // A tile that has drawn no picture after a few seconds says so instead of looking live.
    const noPicture = setTimeout(() => {
      el.dataset['state'] = 'offline';
      status.textContent = 'no stream (camera offline or not recorded)';
    }, NO_PICTURE_MS);
    const player = new JSMpeg.Player(streamUrl(camera.id), {
      canvas,
      audio: false,
      autoplay: true,
      // The page's Content-Security-Policy allows no WebAssembly compilation: use JSMpeg's JavaScript decoder.
      disableWebAssembly: true,
      onVideoDecode: () => {
        clearTimeout(noPicture);
        el.dataset['state'] = 'playing';
        status.textContent = 'live';
      },
    });
    closers.push(() => {
      clearTimeout(noPicture);
      player.destroy();
    });
  });
  return el;
}

function mount(root: HTMLElement): void {
  unmount();
  const cameras = state.site?.cameras ?? [];
  root.replaceChildren(
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'cameras-title' },
      h('h1', { id: 'cameras-title' }, 'Cameras'),
      cameras.length === 0 ? h('p', { class: 'empty' }, 'No cameras configured.') : h('ul', { class: 'tiles', style: 'list-style:none;margin:0;padding:0' }, cameras.map(tile)),
    ),
  );
}

function unmount(): void {
  for (const close of closers.splice(0)) close();
}

export const camerasView: View = { id: 'cameras', label: 'Cameras', needs: 'GET /api/occupancy', shows: [], mount, update: () => undefined, unmount };
