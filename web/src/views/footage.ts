/**
 * A visit's recorded footage (manager and safeguarding lead; reception only watches live
 * tiles): a modal player with the cameras that show the visit, an HTML5 <video> that
 * plays the chosen camera's segments one after another (GET /api/footage/segments/:id,
 * Range requests, so seeking works), and the camera's timeline of segments and gaps.
 * A gap is announced when playback jumps over it. Every control is a button or the
 * video's own controls; the dialog keeps the focus and closes on Escape. Every segment
 * opened is audited by the server.
 */
import { api } from '../api.js';
import { h, openDialog } from '../dom.js';
import { hhmm, hhmmss, roomName } from '../format.js';
import type { BookingView } from '../types.js';

interface Segment {
  id: number;
  start: number;
  end: number;
  bytes: number;
  sha256: string;
  url: string;
}
interface Gap {
  from: number;
  to: number;
  reason: string;
}
interface Camera {
  cameraId: string;
  name: string;
  from: number;
  to: number;
  segments: Segment[];
  gaps: Gap[];
}
interface Playback {
  bookingId: string;
  sharedRoom: boolean;
  cameras: Camera[];
}

const span = (from: number, to: number) => `${hhmmss(from)}–${hhmmss(to)}`;

/** Opens the player for one visit. */
export function openFootage(b: BookingView): void {
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' }, 'Loading the footage…');
  const body = h('div', { class: 'footage-body' });
  const dialog = openDialog(
    h(
      'dialog',
      { id: 'footage-player', class: 'wide', 'aria-labelledby': 'footage-title' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'footage-title' }, `Footage: ${hhmm(b.start)}–${hhmm(b.end)} visit in ${roomName(b.roomId)}`), h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Close')),
      status,
      body,
    ),
  );
  api<Playback>('GET', `/api/bookings/${encodeURIComponent(b.id)}/footage`)
    .then((p) => render(p, body, status, dialog))
    .catch((e: Error) => (status.textContent = `The footage could not be loaded: ${e.message}`));
}

function render(p: Playback, body: HTMLElement, status: HTMLElement, dialog: HTMLDialogElement): void {
  if (p.cameras.length === 0) {
    status.textContent = 'No camera recorded this visit (or it has not happened yet).';
    return;
  }
  const video = h('video', { controls: true, preload: 'metadata', playsinline: true, 'aria-label': 'Recorded footage' });
  const nowPlaying = h('p', { class: 'now-playing' });
  const cameraList = h('ul', { class: 'camera-list', 'aria-label': 'Cameras' });
  const timeline = h('div', { class: 'footage-timeline' });
  let camera: Camera = p.cameras.find((c) => c.segments.length > 0) ?? p.cameras[0]!;
  let index = 0;

  const gapBefore = (i: number): Gap[] => {
    const prevEnd = i > 0 ? camera.segments[i - 1]!.end : camera.from;
    const start = camera.segments[i]?.start ?? camera.to;
    return camera.gaps.filter((g) => g.from < start && g.to > prevEnd);
  };

  const play = (i: number, autoplay: boolean) => {
    const seg = camera.segments[i];
    if (!seg) return;
    index = i;
    video.src = seg.url;
    video.dataset['segment'] = String(seg.id);
    const skipped = i > 0 ? gapBefore(i) : [];
    nowPlaying.textContent = `${camera.name}: segment ${i + 1} of ${camera.segments.length}, ${span(seg.start, seg.end)}`;
    status.textContent = skipped.length ? `Skipped a gap in the recording: ${skipped.map((g) => `${span(g.from, g.to)} (${g.reason})`).join('; ')}.` : '';
    if (autoplay) void video.play().catch(() => undefined);
    drawTimeline();
  };

  const drawTimeline = () => {
    const total = Math.max(1, camera.to - camera.from);
    const pct = (t: number) => `${(((t - camera.from) / total) * 100).toFixed(2)}%`;
    const bar = h(
      'div',
      { class: 'footage-bar', 'aria-hidden': 'true' },
      camera.segments.map((s, i) => h('span', { class: `bar-seg${i === index ? ' current' : ''}`, style: `left:${pct(s.start)};width:${pct(camera.from + s.end - s.start)}` })),
      camera.gaps.map((g) => h('span', { class: 'bar-gap', style: `left:${pct(g.from)};width:${pct(camera.from + g.to - g.from)}` })),
    );
    const items = [
      ...camera.segments.map((s, i) => ({ at: s.start, el: h('li', { class: 'seg-item' }, h('button', { type: 'button', class: 'secondary', 'data-segment': s.id, 'aria-current': i === index ? 'true' : null, onclick: () => play(i, true) }, `Play ${span(s.start, s.end)}`)) })),
      ...camera.gaps.map((g) => ({ at: g.from, el: h('li', { class: 'gap-item', 'data-gap': g.reason }, `Gap ${span(g.from, g.to)}: ${g.reason}`) })),
    ].sort((a, b) => a.at - b.at);
    timeline.replaceChildren(bar, h('ol', { class: 'footage-items', 'aria-label': `Recording of ${camera.name}` }, items.map((x) => x.el)));
  };

  const choose = (c: Camera) => {
    camera = c;
    for (const btn of cameraList.querySelectorAll<HTMLButtonElement>('button')) btn.setAttribute('aria-pressed', String(btn.dataset['camera'] === c.cameraId));
    if (c.segments.length === 0) {
      video.removeAttribute('src');
      delete video.dataset['segment'];
      video.load();
      nowPlaying.textContent = `${c.name} recorded nothing of this visit.`;
      status.textContent = '';
      index = 0;
      drawTimeline();
      return;
    }
    play(0, false);
  };

  video.addEventListener('ended', () => {
    if (index + 1 < camera.segments.length) play(index + 1, true);
    else status.textContent = `End of ${camera.name}'s recording of this visit.`;
  });
  video.addEventListener('error', () => (status.textContent = 'This segment could not be played (it may have been deleted or changed on disk).'));
  dialog.addEventListener('close', () => {
    video.pause();
    video.removeAttribute('src');
    video.load();
  });

  cameraList.append(
    ...p.cameras.map((c) =>
      h('li', {}, h('button', { type: 'button', class: 'secondary', 'data-camera': c.cameraId, 'aria-pressed': 'false', onclick: () => choose(c) }, `${c.name} (${c.segments.length} segment${c.segments.length === 1 ? '' : 's'}${c.gaps.length ? `, ${c.gaps.length} gap${c.gaps.length === 1 ? '' : 's'}` : ''})`)),
    ),
  );
  const step = (d: number) => h('button', { type: 'button', class: 'secondary', onclick: () => play(Math.min(Math.max(index + d, 0), camera.segments.length - 1), true) }, d < 0 ? 'Previous segment' : 'Next segment');
  const parts: (HTMLElement | null)[] = [
    p.sharedRoom ? h('p', { class: 'warning' }, 'Shared room: other families appear in this footage. Do not show it to anyone outside the case.') : null,
    h('div', { class: 'footage-layout' }, h('div', { class: 'camera-nav' }, h('h3', {}, 'Cameras'), cameraList), h('div', { class: 'stack' }, video, nowPlaying, h('div', { class: 'actions' }, step(-1), step(1)), timeline)),
    h('p', { class: 'hint' }, 'Every segment you open is recorded in the audit log.'),
  ];
  body.replaceChildren(...parts.filter((el): el is HTMLElement => el !== null));
  choose(camera);
}
