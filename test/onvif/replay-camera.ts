/**
 * A camera that answers with real cameras' captured answer shapes (test/onvif/fixtures/<vendor>,
 * falling back to fixtures/common for answers no capture was found for). Only the camera's
 * host/port in XAddrs and URIs is rewritten, to point at this server, and the clock fields of
 * GetSystemDateAndTime are filled with the replay's clock (so skew can be measured) keeping
 * the captured shape. WS-Security UsernameToken digests are checked like a real camera
 * (ONVIF Core 5.9.1; a wrong password gets the vendor's own fault); PullMessages answers
 * come from a queue the test fills with fixture names. `hangPulls` makes it take PullMessages
 * requests and never answer them (a wedged camera event service), counting those the client
 * closes. A request in the Media2 namespace (ver20/media/wsdl) is answered from
 * `Media2.<Action>.xml`, so a vendor without those files refuses Media2 like a Profile S camera.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkWsSecurity, elementText } from '../../simulators/onvif/auth.js';
import { bodyNamespace } from '../../simulators/onvif/camera-sim.js';

const MEDIA2_NAMESPACE = 'http://www.onvif.org/ver20/media/wsdl';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The (redacted) camera address written in the fixtures. */
const CAPTURED_HOST = '192.0.2.10';

export interface VendorProfile {
  /** GetSystemDateAndTime also needs credentials (Vivotek, Panasonic). */
  dateNeedsAuth: boolean;
  /** HTTP status of the credentials fault. */
  authFaultStatus: number;
  /** Camera's local time offset from UTC, for LocalDateTime. */
  tzOffsetMinutes: number;
  /** Header element a pull point is addressed by (Axis: dom0:SubscriptionId in ReferenceParameters). */
  subscriptionIdHeader?: string;
}

export interface ReplayOptions {
  vendor: string;
  username: string;
  password: string;
  /** Camera clock minus real time, ms. */
  skewMs?: number;
  /** Longest an empty PullMessages is held open. */
  pullHoldMs?: number;
}

export interface ReplayRequest {
  action: string;
  path: string;
  authorized: boolean;
}

export class ReplayCamera {
  readonly requests: ReplayRequest[] = [];
  /** PullMessages requests to accept and never answer, from the next one on. */
  hangPulls = 0;
  /** Unanswered pulls being held now, and those the client gave up on (closed). */
  heldPulls = 0;
  closedUnansweredPulls = 0;
  readonly profile: VendorProfile;
  private readonly server: Server;
  private readonly queue: string[] = [];
  private wakePull: (() => void) | undefined;
  private readonly seenNonces = new Set<string>();
  private listenPort = 0;

  constructor(private readonly o: ReplayOptions) {
    this.profile = JSON.parse(this.read('vendor.json')) as VendorProfile;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.listenPort = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.wakePull?.();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get port(): number {
    return this.listenPort;
  }

  get deviceUrl(): string {
    return `http://127.0.0.1:${this.port}/onvif/device_service`;
  }

  /** Queues a captured PullMessages answer, e.g. 'PullMessages.motion'. */
  push(fixture: string): void {
    this.queue.push(fixture);
    this.wakePull?.();
  }

  /** The fixture text for this vendor, or the common one. */
  read(name: string): string {
    const own = `${FIXTURES}${this.o.vendor}/${name}`;
    return readFileSync(existsSync(own) ? own : `${FIXTURES}common/${name}`, 'utf8');
  }

  has(name: string): boolean {
    return existsSync(`${FIXTURES}${this.o.vendor}/${name}`) || existsSync(`${FIXTURES}common/${name}`);
  }

  /** Points the captured camera address at this server; RTSP keeps its port (no RTSP server here). */
  private rewrite(xml: string): string {
    return xml
      .replaceAll(new RegExp(`http://${CAPTURED_HOST.replaceAll('.', '\\.')}(?::\\d+)?`, 'g'), `http://127.0.0.1:${this.port}`)
      .replaceAll(`rtsp://${CAPTURED_HOST}`, 'rtsp://127.0.0.1');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const action = /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z]+)/.exec(body)?.[1] ?? 'Unknown';
    const authorized = /UsernameToken/.test(body) && checkWsSecurity(body, this.o, Date.now() + (this.o.skewMs ?? 0), this.seenNonces).ok;
    this.requests.push({ action, path: req.url ?? '', authorized });
    if (action === 'PullMessages' && authorized && this.hangPulls > 0) {
      this.hangPulls -= 1;
      this.heldPulls += 1;
      res.on('close', () => {
        this.heldPulls -= 1;
        this.closedUnansweredPulls += 1;
      });
      return;
    }
    const answer = await this.answer(action, body, authorized);
    res.writeHead(answer.status, { 'content-type': 'application/soap+xml; charset=utf-8' });
    res.end(this.rewrite(answer.xml));
  }

  private async answer(action: string, body: string, authorized: boolean): Promise<{ status: number; xml: string }> {
    const ok = (xml: string) => ({ status: 200, xml });
    if (action === 'GetSystemDateAndTime' && (!this.profile.dateNeedsAuth || authorized)) {
      return ok(fillDateTime(this.read('GetSystemDateAndTime.xml'), Date.now() + (this.o.skewMs ?? 0), this.profile.tzOffsetMinutes));
    }
    if (!authorized) return { status: this.profile.authFaultStatus, xml: this.read('Fault.NotAuthorized.xml') };
    if (action === 'PullMessages') return this.pull(body);
    // Media2 (ver20) answers the same action names in other shapes: Media2.<Action>.xml.
    const name = bodyNamespace(body) === MEDIA2_NAMESPACE ? `Media2.${action}.xml` : `${action}.xml`;
    if (!this.has(name)) return { status: 400, xml: this.read('Fault.ActionNotSupported.xml') };
    return ok(this.read(name));
  }

  private async pull(body: string): Promise<{ status: number; xml: string }> {
    const header = this.profile.subscriptionIdHeader;
    if (header) {
      // Axis refuses a pull without the reference parameter it handed out (ter:InvalidArgs).
      const created = elementText(this.read('CreatePullPointSubscription.xml'), header);
      if (elementText(body, header) !== created) return { status: 400, xml: this.read('Fault.InvalidArgs.xml') };
    }
    if (this.queue.length === 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.o.pullHoldMs ?? 200);
        this.wakePull = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wakePull = undefined;
    }
    const next = this.queue.shift();
    return { status: 200, xml: this.read(`${next ?? 'PullMessages.empty'}.xml`) };
  }
}

/** Writes a time into the Date/Time children of every UTCDateTime / LocalDateTime block, whatever their prefixes. */
export function fillDateTime(xml: string, utcMs: number, tzOffsetMinutes: number): string {
  return xml.replace(/<((?:[\w.-]+:)?)(UTCDateTime|LocalDateTime)>([\s\S]*?)<\/\1\2>/g, (_all, prefix: string, which: string, inner: string) => {
    const d = new Date(which === 'UTCDateTime' ? utcMs : utcMs + tzOffsetMinutes * 60_000);
    const fields: Record<string, number> = {
      Hour: d.getUTCHours(),
      Minute: d.getUTCMinutes(),
      Second: d.getUTCSeconds(),
      Year: d.getUTCFullYear(),
      Month: d.getUTCMonth() + 1,
      Day: d.getUTCDate(),
    };
    const filled = inner.replace(/<((?:[\w.-]+:)?)(Hour|Minute|Second|Year|Month|Day)>\s*\d+\s*<\/\1\2>/g, (_m, p: string, f: string) => `<${p}${f}>${fields[f]}</${p}${f}>`);
    return `<${prefix}${which}>${filled}</${prefix}${which}>`;
  });
}
