/**
 * Simulated PDs sharing one bus: reads command frames from a port (a pty end or an
 * in-memory end), hands each to the addressed PD and writes its reply, honouring the
 * PD's fault mode (slow replies are delayed on the PD's clock).
 */
import type { Clock } from '../../src/clock.js';
import { FrameParser } from '../../devices/osdp/frame-parser.js';
import { BROADCAST_ADDRESS, type DecodedFrame } from '../../devices/osdp/frame.js';
import type { SerialPortLike } from '../../devices/osdp/port.js';
import { SimulatedPd, type SimPdOptions } from './sim-pd.js';

export class SimulatedOsdpBus {
  private readonly pds = new Map<number, SimulatedPd>();
  private port?: SerialPortLike;
  private parser?: FrameParser;
  private readonly onData = (chunk: Uint8Array) => this.parser?.push(chunk);
  readonly stats = { commands: 0, replies: 0 };

  constructor(
    readonly busId: string,
    private readonly clock: Clock,
    pds: Omit<SimPdOptions, 'clock'>[],
  ) {
    for (const options of pds) this.pds.set(options.address, new SimulatedPd({ ...options, clock }));
  }

  pd(address: number): SimulatedPd {
    const pd = this.pds.get(address);
    if (!pd) throw new Error(`no simulated PD at address ${address} on ${this.busId}`);
    return pd;
  }

  get addresses(): number[] {
    return [...this.pds.keys()];
  }

  /** Connects the PDs to a port (replacing a previous one, e.g. after a simulated unplug). */
  attach(port: SerialPortLike): void {
    this.detach();
    this.port = port;
    this.parser = new FrameParser({ onFrame: (f) => this.onFrame(f) });
    port.on('data', this.onData);
  }

  detach(): void {
    this.port?.off('data', this.onData);
    this.port = undefined;
    this.parser = undefined;
  }

  private onFrame(frame: DecodedFrame): void {
    if (frame.reply) return;
    // The configuration address 0x7F reaches a PD whatever its address; with several PDs
    // on the bus their replies would collide, so only a lone PD answers it.
    const lone = this.pds.size === 1 ? [...this.pds.values()][0] : undefined;
    const pd = this.pds.get(frame.address) ?? (frame.address === BROADCAST_ADDRESS ? lone : undefined);
    if (!pd) return;
    this.stats.commands++;
    const before = pd.address;
    const reply = pd.handle(frame);
    if (pd.address !== before) {
      // osdp_COMSET moved the PD to another address.
      this.pds.delete(before);
      this.pds.set(pd.address, pd);
    }
    if (!reply) return;
    const port = this.port;
    const send = () => {
      this.stats.replies++;
      port?.write(reply);
    };
    if (pd.fault.kind === 'slow') this.clock.setTimeout(send, pd.fault.delayMs);
    else send();
  }
}
