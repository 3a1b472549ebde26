/**
 * The physical port, injected: the CP and the simulator talk to a SerialPortLike, made by
 * a PortFactory. Production uses `serialport`; tests and the in-process demo use an
 * in-memory pair that carries the same bytes.
 */
import { readSync, writeSync } from 'node:fs';
import type { SerialPort } from 'serialport';
import { OsdpError, OsdpErrorCodes } from './errors.js';

export interface PortEvents {
  data: (chunk: Uint8Array) => void;
  /** Fired once when the port goes away (closed by us, unplugged, or failed). */
  close: (reason?: Error) => void;
}

export interface SerialPortLike {
  write(data: Uint8Array): void;
  on<E extends keyof PortEvents>(event: E, listener: PortEvents[E]): void;
  off<E extends keyof PortEvents>(event: E, listener: PortEvents[E]): void;
  close(): Promise<void>;
}

export interface PortRequest {
  busId: string;
  path: string;
  baudRate: number;
  /** PD addresses configured on this bus (the in-process simulator starts one PD per address). */
  addresses: number[];
}

/** Opens a port; resolves once it is open, rejects with OsdpError PORT_OPEN_FAILED. */
export type PortFactory = (request: PortRequest) => Promise<SerialPortLike>;

type Listener = (arg?: never) => void;

/** A minimal listener registry shared by the port implementations. */
class Listeners {
  private readonly data = new Set<(chunk: Uint8Array) => void>();
  private readonly close = new Set<(reason?: Error) => void>();
  on(event: 'data' | 'close', l: Listener): void {
    (event === 'data' ? this.data : this.close).add(l as never);
  }
  off(event: 'data' | 'close', l: Listener): void {
    (event === 'data' ? this.data : this.close).delete(l as never);
  }
  emitData(chunk: Uint8Array): void {
    for (const l of [...this.data]) l(chunk);
  }
  emitClose(reason?: Error): void {
    for (const l of [...this.close]) l(reason);
    this.close.clear();
  }
}

/** Opens a real serial port with `serialport` (8N1, no flow control, per OSDP section 5.1). */
export const serialPortFactory: PortFactory = async (request) => {
  // Loaded on first use: a site (or the demo) without a real serial bus does not pay for the native module.
  const { SerialPort } = await import('serialport');
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path: request.path, baudRate: request.baudRate, autoOpen: false });
    port.open((err) => {
      if (err) {
        reject(new OsdpError(OsdpErrorCodes.PORT_OPEN_FAILED, `cannot open ${request.path}: ${err.message}`));
        return;
      }
      readDirectly(port);
      resolve(wrapSerialPort(port));
    });
  });
};

function wrapSerialPort(port: SerialPort): SerialPortLike {
  const listeners = new Listeners();
  let closed = false;
  const finish = (reason?: Error) => {
    if (closed) return;
    closed = true;
    listeners.emitClose(reason);
  };
  port.on('data', (chunk: Buffer) => listeners.emitData(chunk));
  port.on('close', (err?: Error) => finish(err ?? undefined));
  port.on('error', (err: Error) => {
    finish(err);
    if (port.isOpen) port.close(() => undefined);
  });
  return {
    write: (data) => {
      if (closed) return;
      const written = writeDirect(port, data);
      if (written < data.byteLength) port.write(Buffer.from(data.buffer, data.byteOffset + written, data.byteLength - written));
    },
    on: (event: keyof PortEvents, l: Listener) => listeners.on(event, l),
    off: (event: keyof PortEvents, l: Listener) => listeners.off(event, l),
    close: () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) {
          finish();
          resolve();
          return;
        }
        port.close(() => {
          finish();
          resolve();
        });
      }),
  } as SerialPortLike;
}

/**
 * Writes a frame straight to the (non-blocking) tty file descriptor when nothing is queued
 * in the stream: `serialport` would hand it to the libuv thread pool first, a thread hop on
 * every command. A frame is far smaller than the kernel's tty buffer, so this normally
 * writes it whole at once; anything short of that (EAGAIN, a partial write, an error) is
 * left to the stream, which also reports a vanished adapter. Returns the bytes written.
 */
function writeDirect(port: SerialPort, data: Uint8Array): number {
  const fd = (port.port as { fd?: number | null } | undefined)?.fd;
  if (typeof fd !== 'number' || port.writableLength > 0) return 0;
  try {
    return writeSync(fd, data);
  } catch {
    return 0;
  }
}

interface UnixBinding {
  fd?: number | null;
  isOpen?: boolean;
  poller?: { once(event: 'readable', cb: (err: Error | null) => void): unknown };
  read?: (buffer: Buffer, offset: number, length: number) => Promise<{ bytesRead: number; buffer: Buffer }>;
}

/**
 * serialport's unix read loop, minus the libuv thread pool: wait until the poller reports
 * the fd readable, then read it synchronously (it is non-blocking), so a reply reaches the
 * CP without a thread hop. Waiting first (the poll is level-triggered, so bytes already
 * there wake it at once) also spares the EAGAIN error that trying first would throw after
 * every chunk. Errors keep their meaning for the stream: a cancelled wait is a close,
 * anything else a disconnect.
 */
function readDirectly(port: SerialPort): void {
  const binding = port.port as UnixBinding | undefined;
  if (!binding || typeof binding.fd !== 'number' || !binding.poller || typeof binding.read !== 'function') return;
  const canceled = () => Object.assign(new Error('Port is not open'), { canceled: true });
  const readable = () =>
    new Promise<void>((resolve, reject) => {
      binding.poller?.once('readable', (err) => (err ? reject(err) : resolve()));
    });
  binding.read = async (buffer, offset, length) => {
    for (;;) {
      if (!binding.isOpen) throw canceled();
      await readable();
      const fd = binding.fd;
      if (!binding.isOpen || typeof fd !== 'number') throw canceled();
      try {
        const bytesRead = readSync(fd, buffer, offset, length, null);
        if (bytesRead > 0) return { bytesRead, buffer };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
      }
    }
  };
}

export interface MemoryPort extends SerialPortLike {
  /** Simulates the adapter disappearing: both ends see 'close'. */
  unplug(reason?: string): void;
  readonly closed: boolean;
}

/** Two connected in-memory ends: bytes written to one arrive (asynchronously) at the other. */
export function createMemoryPortPair(): [MemoryPort, MemoryPort] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class MemoryEnd implements MemoryPort {
  peer?: MemoryEnd;
  private readonly listeners = new Listeners();
  closed = false;

  write(data: Uint8Array): void {
    if (this.closed) return;
    const copy = Uint8Array.from(data);
    const peer = this.peer;
    setImmediate(() => {
      if (peer && !peer.closed) peer.listeners.emitData(copy);
    });
  }
  on<E extends keyof PortEvents>(event: E, l: PortEvents[E]): void {
    this.listeners.on(event, l as Listener);
  }
  off<E extends keyof PortEvents>(event: E, l: PortEvents[E]): void {
    this.listeners.off(event, l as Listener);
  }
  async close(): Promise<void> {
    this.end();
  }
  unplug(reason = 'unplugged'): void {
    this.end(new OsdpError(OsdpErrorCodes.PORT_CLOSED, reason));
    this.peer?.end(new OsdpError(OsdpErrorCodes.PORT_CLOSED, reason));
  }
  private end(reason?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.emitClose(reason);
  }
}
