/**
 * The live channel client (docs/live.md): one WebSocket to /api/live. It remembers the
 * last seq it applied and reconnects with ?since=SEQ after a blip (backoff with jitter),
 * so the server replays what the page missed; when the server answers resync, the page
 * reloads its state through REST. Until the first hello, REST state is polled so the
 * page is never silently stale.
 */
import type { LiveMessage } from './types.js';

export interface LiveHandlers {
  onMessage(m: LiveMessage): void;
  /** A fresh page or a resync: reload state through REST (messages arriving meanwhile are queued). */
  reload(): Promise<void>;
  onStatus(status: 'connecting' | 'live' | 'reconnecting'): void;
  /** The socket could not be opened: maybe the session ended. */
  onFailure(): void;
}

interface Hello {
  type: 'hello';
  seq: number;
  replayed: number;
  resync: boolean;
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5000;

export class LiveClient {
  private socket: WebSocket | undefined;
  private lastSeq: number | undefined;
  private backoff = MIN_BACKOFF_MS;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Messages that arrive while a REST reload runs, applied after it. */
  private queue: LiveMessage[] | undefined;

  constructor(private readonly handlers: LiveHandlers) {}

  get seq(): number | undefined {
    return this.lastSeq;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close(1000, 'signed out');
    this.socket = undefined;
  }

  /** Drops the socket as a network blip would (used by tests and the "reconnect" button). */
  blip(): void {
    this.socket?.close(4000, 'blip');
  }

  private url(): string {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const since = this.lastSeq === undefined ? '' : `?since=${this.lastSeq}`;
    return `${scheme}://${location.host}/api/live${since}`;
  }

  private connect(): void {
    this.handlers.onStatus(this.lastSeq === undefined ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(this.url());
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
    };
    socket.onmessage = (event) => this.receive(String(event.data));
    socket.onclose = () => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      if (!opened) this.handlers.onFailure();
      this.handlers.onStatus('reconnecting');
      const delay = this.backoff * (0.75 + Math.random() * 0.5);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }

  private receive(text: string): void {
    let m: LiveMessage | Hello;
    try {
      m = JSON.parse(text) as LiveMessage | Hello;
    } catch {
      return;
    }
    if (m.type === 'hello') return void this.hello(m as Hello);
    const message = m as LiveMessage;
    if (typeof message.seq !== 'number' || (this.lastSeq !== undefined && message.seq <= this.lastSeq)) return;
    this.lastSeq = message.seq;
    if (this.queue) this.queue.push(message);
    else this.handlers.onMessage(message);
  }

  private hello(h: Hello): void {
    this.backoff = MIN_BACKOFF_MS;
    const fresh = this.lastSeq === undefined || h.resync;
    if (this.lastSeq === undefined || h.resync) this.lastSeq = h.seq;
    if (!fresh) return void this.handlers.onStatus('live');
    // Load the REST snapshot; messages after hello queue up and apply on top of it.
    this.queue = [];
    this.handlers
      .reload()
      .catch(() => undefined)
      .finally(() => {
        const queued = this.queue ?? [];
        this.queue = undefined;
        for (const q of queued) this.handlers.onMessage(q);
        this.handlers.onStatus('live');
      });
  }
}
