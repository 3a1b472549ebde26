/**
 * A simulated ONVIF camera: an HTTP SOAP server answering the device, media and events
 * services (the calls the onvif package and most VMSs make), with WS-Security and/or
 * HTTP digest checked, a PullPoint event service (ONVIF Core 9.1/9.2: Initialized
 * messages for current state first, then Changed), digital inputs, motion, tamper, and
 * fault modes: offline, slow, malformed XML, auth failure, clock skew.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../src/clock.js';
import { checkHttpDigest, checkWsSecurity, digestChallenge, elementText } from './auth.js';
import { SERVICE_NAMESPACES, standard, type Dialect, type EventShape } from './dialects.js';
import { answerMedia, type MediaService } from './media-answers.js';
import * as answers from './soap-answers.js';
import type { DeviceFacts, NotificationFact } from './soap-answers.js';
import { remember } from '../history.js';

export interface CameraFaults {
  /** Connections are reset without an answer. */
  offline: boolean;
  /** Every answer is delayed this long. */
  slowMs: number;
  /** Answers are cut off mid-XML. */
  malformed: boolean;
  /** Every authenticated call is refused (wrong password on one side). */
  authFail: boolean;
  /** The camera's clock runs this far ahead (negative: behind) of the host's. */
  skewMs: number;
  /**
   * Every Media2 request gets a SOAP fault while Media1 keeps working (the buggy Media2
   * firmware the onvif package's connect() works around, e.g. D-Link DCS-8635LH).
   */
  media2Broken: boolean;
  /** PullMessages requests to take and never answer, from the next one on (a wedged event service). */
  hangPulls: number;
  /** Unsubscribe requests are taken and never answered (the subscription is not removed either). */
  ignoreUnsubscribe: boolean;
}

/** One request as the camera saw it: action, the namespace of the body element, the path it was sent to. */
export interface SimRequest {
  action: string;
  namespace: string | undefined;
  path: string;
}

export interface CameraSimOptions {
  port?: number;
  host?: string;
  username: string;
  password: string;
  dialect?: Dialect;
  rtspUri?: string;
  inputs?: string[];
  /** Longest a PullMessages call is held open waiting for events (the request may ask for up to PT1M). */
  pullHoldMs?: number;
  /**
   * Live pull points the camera allows (Hikvision about 5); a CreatePullPointSubscription beyond
   * it is refused with the WS-BaseNotification SubscribeCreationFailedFault (ONVIF Core names
   * no fault of its own for this: onvif/specs#592).
   */
  maxPullPoints?: number;
  clock?: Clock;
  facts?: Partial<DeviceFacts>;
}

interface Subscription {
  id: string;
  queue: NotificationFact[];
  until: number;
  wake?: () => void;
}

const SUBSCRIPTION_MS = 120_000;

export class CameraSim {
  readonly faults: CameraFaults = { offline: false, slowMs: 0, malformed: false, authFail: false, skewMs: 0, media2Broken: false, hangPulls: 0, ignoreUnsubscribe: false };
  /** Action names in order of arrival (expect helpers for tests; the newest only, see simulators/history.ts). */
  readonly requests: string[] = [];
  /** The same requests with their namespace and path. */
  readonly calls: SimRequest[] = [];
  /** Subscriptions whose PullMessages was taken and never answered (faults.hangPulls), by id. */
  readonly hungPullSubscriptions: string[] = [];
  /** Subscriptions an Unsubscribe arrived for, answered or not, by id. */
  readonly unsubscribeRequests: string[] = [];
  authFailures = 0;
  private readonly server: Server;
  private readonly dialect: Dialect;
  private readonly clock: Clock;
  private readonly inputs = new Map<string, boolean>();
  private motion = false;
  private tamper = false;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly seenNonces = new Set<string>();
  private readonly digestNonces = new Set<string>();
  private facts!: DeviceFacts;
  private subscriptionCount = 0;

  constructor(private readonly options: CameraSimOptions) {
    this.dialect = options.dialect ?? standard;
    this.clock = options.clock ?? systemClock;
    for (const token of options.inputs ?? ['DI_1']) this.inputs.set(token, false);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    const host = this.options.host ?? '127.0.0.1';
    this.facts = {
      manufacturer: 'contactd-sim',
      model: `SimCam ${this.dialect.name}`,
      firmware: '1.0.0',
      serial: `SIM${port}`,
      hardwareId: 'sim-1',
      base: `http://${host}:${port}`,
      rtspUri: this.options.rtspUri ?? `rtsp://${host}:554/cam${port}`,
      snapshotUri: `http://${host}:${port}/onvif/snapshot.jpg`,
      width: 320,
      height: 240,
      fps: 10,
      emptyProfile: '',
      ...this.options.facts,
    };
  }

  async stop(): Promise<void> {
    for (const s of this.subscriptions.values()) s.wake?.();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get deviceUrl(): string {
    return `${this.facts.base}/onvif/device_service`;
  }

  /** Points GetStreamUri at another RTSP URI (the test server's port is known only once it runs). */
  setStreamUri(uri: string): void {
    this.options.rtspUri = uri;
    if (this.server.listening) this.facts.rtspUri = uri;
  }

  /** The camera's own clock: the host's plus the configured skew. */
  cameraNow(): number {
    return this.clock.now() + this.faults.skewMs;
  }

  setInput(token: string, active: boolean): void {
    if (this.inputs.get(token) === active) return;
    this.inputs.set(token, active);
    this.publish(this.inputFact(token, active, 'Changed'));
  }

  setMotion(active: boolean): void {
    this.motion = active;
    this.publish(this.motionFact('Changed'));
  }

  setTamper(active: boolean): void {
    this.tamper = active;
    this.publish(this.tamperFact('Changed'));
  }

  get activeSubscriptions(): number {
    return [...this.subscriptions.values()].filter((s) => s.until > this.cameraNow()).length;
  }

  private publish(fact: NotificationFact): void {
    for (const s of this.subscriptions.values()) {
      s.queue.push(fact);
      s.wake?.();
    }
  }

  private topic(path: string): string {
    return `${this.dialect.topicPrefix}:${path}`;
  }

  private bool(value: boolean): string {
    return this.dialect.booleans[value ? 0 : 1];
  }

  private inputFact(token: string, active: boolean, operation: NotificationFact['operation']): NotificationFact {
    const utcTime = new Date(this.cameraNow());
    if (this.dialect.inputStyle === 'axis-port') {
      // Axis: tns1:Device/tnsaxis:IO/Port, source "port" (0-based), data "state" 1/0.
      const index = [...this.inputs.keys()].indexOf(token);
      return { topic: `${this.topic('Device')}/tnsaxis:IO/Port`, utcTime, operation, source: [['port', String(index)]], data: [['state', active ? '1' : '0']] };
    }
    return { topic: this.topic('Device/Trigger/DigitalInput'), utcTime, operation, source: [['InputToken', token]], data: [['LogicalState', this.bool(active)]] };
  }

  private eventFact(shape: EventShape, active: boolean, operation: NotificationFact['operation']): NotificationFact {
    return {
      topic: shape.topic.replace('{tns1}', this.dialect.topicPrefix),
      utcTime: new Date(this.cameraNow()),
      operation,
      source: shape.source.map(([k, v]) => [k, v]),
      data: [[shape.item, this.bool(active)]],
    };
  }

  private motionFact(operation: NotificationFact['operation']): NotificationFact {
    return this.eventFact(this.dialect.motion, this.motion, operation);
  }

  private tamperFact(operation: NotificationFact['operation']): NotificationFact {
    return this.eventFact(this.dialect.tamper, this.tamper, operation);
  }

  /** Keeps the newest requests only: a demo simulator runs for days. */
  private record(action: string, body: string, path: string): void {
    remember(this.requests, action);
    remember(this.calls, { action, namespace: bodyNamespace(body), path });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.faults.offline) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const action = /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:[\w.-]+:)?([A-Za-z]+)/.exec(body)?.[1] ?? 'Unknown';
    this.record(action, body, req.url ?? '');
    if (this.faults.slowMs > 0) await new Promise((r) => setTimeout(r, this.faults.slowMs));
    if (this.faults.offline) {
      req.socket.destroy();
      return;
    }
    let answer: { status: number; xml: string; headers?: Record<string, string> } | 'hold';
    try {
      answer = await this.answer(action, body, req);
    } catch (e) {
      answer = { status: 500, xml: answers.fault(this.dialect, 'ter:Action', (e as Error).message) };
    }
    // Taken and never answered: the request stays open until the client gives up on it.
    if (answer === 'hold') return;
    const xml = this.faults.malformed ? answer.xml.slice(0, Math.floor(answer.xml.length / 2)) : answer.xml;
    res.writeHead(answer.status, { 'content-type': 'application/soap+xml; charset=utf-8', ...answer.headers });
    res.end(xml);
  }

  /** null when allowed; otherwise the refusal to send. */
  private authenticate(body: string, req: IncomingMessage): { status: number; xml: string; headers?: Record<string, string> } | null {
    // A camera with no password set (authentication disabled, as on the demo's default install) asks for none.
    if (this.options.password === '' && !this.faults.authFail) return null;
    const creds = { username: this.options.username, password: this.faults.authFail ? `${this.options.password}\u0000x` : this.options.password };
    const mode = this.dialect.auth;
    const digestOk = mode !== 'ws-security' && checkHttpDigest(req.headers.authorization, req.method ?? 'POST', creds, this.digestNonces);
    if (digestOk) return null;
    if (mode !== 'http-digest' && /UsernameToken/.test(body) && checkWsSecurity(body, creds, this.cameraNow(), this.seenNonces).ok) return null;
    this.authFailures += 1;
    if (mode === 'ws-security') return { status: 400, xml: answers.fault(this.dialect, 'ter:NotAuthorized', this.dialect.authFaultText) };
    const challenge = digestChallenge('contactd-sim');
    this.digestNonces.add(challenge.nonce);
    return { status: 401, xml: answers.fault(this.dialect, 'ter:NotAuthorized', this.dialect.authFaultText), headers: { 'www-authenticate': challenge.header } };
  }

  private async answer(action: string, body: string, req: IncomingMessage): Promise<{ status: number; xml: string; headers?: Record<string, string> } | 'hold'> {
    const d = this.dialect;
    const ok = (xml: string) => ({ status: 200, xml });
    // ONVIF Core 5.9.1: GetSystemDateAndTime must answer before authentication (clients need the clock first).
    if (action === 'GetSystemDateAndTime') return ok(answers.systemDateAndTime(d, new Date(this.cameraNow())));
    const refused = this.authenticate(body, req);
    if (refused) return refused;
    switch (action) {
      case 'GetDeviceInformation':
        return ok(answers.deviceInformation(d, this.facts));
      case 'GetServices':
        return d.getServices ? ok(answers.services(d, this.facts)) : { status: 400, xml: answers.fault(d, 'ter:ActionNotSupported', 'Optional Action Not Implemented') };
      case 'GetCapabilities':
        return ok(answers.capabilities(d, this.facts));
      case 'CreatePullPointSubscription':
        if (this.activeSubscriptions >= (this.options.maxPullPoints ?? Infinity)) {
          return { status: 400, xml: answers.fault(d, 'wsntw:SubscribeCreationFailedFault', 'Maximum number of pull points reached') };
        }
        return ok(this.createSubscription());
      case 'PullMessages':
        if (this.faults.hangPulls > 0) return this.holdPull(body, req.url ?? '');
        return this.pull(body, req.url ?? '');
      case 'Unsubscribe':
        remember(this.unsubscribeRequests, this.subscriptionOf(body, req.url ?? '') ?? '(unknown)');
        if (this.faults.ignoreUnsubscribe) return 'hold';
        return this.manage(action, body, req.url ?? '');
      case 'Renew':
        return this.manage(action, body, req.url ?? '');
      default:
        return this.media(action, body) ?? { status: 400, xml: answers.fault(d, 'ter:ActionNotSupported', `${action} is not implemented by the simulator`) };
    }
  }

  /** Media1 or Media2 by the request's namespace, if the camera offers that service. */
  private media(action: string, body: string): { status: number; xml: string } | undefined {
    const namespace = bodyNamespace(body);
    const service: MediaService | undefined =
      namespace === SERVICE_NAMESPACES.media2 ? 'media2' : namespace === SERVICE_NAMESPACES.media || namespace === undefined ? 'media' : undefined;
    if (!service || !this.dialect.services.some((s) => s.name === service)) return undefined;
    if (service === 'media2' && this.faults.media2Broken) return { status: 500, xml: answers.fault(this.dialect, 'ter:Action', 'Media2 service failed') };
    return answerMedia(this.dialect, this.facts, service, action, body);
  }

  private createSubscription(): string {
    const id = String(++this.subscriptionCount);
    const now = this.cameraNow();
    const sub: Subscription = { id, queue: [], until: now + SUBSCRIPTION_MS };
    for (const [token, active] of this.inputs) sub.queue.push(this.inputFact(token, active, 'Initialized'));
    sub.queue.push(this.motionFact('Initialized'), this.tamperFact('Initialized'));
    this.subscriptions.set(id, sub);
    const address = this.dialect.subscriptionIdRef ? `${this.facts.base}/onvif/services` : `${this.facts.base}${this.dialect.pullPointPath.replace('{id}', id)}`;
    return answers.pullPointCreated(this.dialect, address, this.dialect.subscriptionIdRef ? id : null, new Date(now), new Date(sub.until));
  }

  /** The subscription a request is for: by its reference parameter (Axis) or by the pull point's path. */
  subscriptionOf(body: string, url: string): string | undefined {
    if (this.dialect.subscriptionIdRef) return elementText(body, 'SubscriptionId');
    const [before, after] = this.dialect.pullPointPath.split('{id}').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${before}(\\d+)${after}$`).exec(url)?.[1];
  }

  private findSubscription(body: string, url: string): Subscription | undefined {
    const id = this.subscriptionOf(body, url);
    const sub = id ? this.subscriptions.get(id) : undefined;
    return sub && sub.until > this.cameraNow() ? sub : undefined;
  }

  private holdPull(body: string, url: string): 'hold' {
    this.faults.hangPulls -= 1;
    remember(this.hungPullSubscriptions, this.subscriptionOf(body, url) ?? '(unknown)');
    return 'hold';
  }

  private async pull(body: string, url: string): Promise<{ status: number; xml: string }> {
    const sub = this.findSubscription(body, url);
    if (!sub) return { status: 400, xml: answers.fault(this.dialect, 'wsrf-rw:ResourceUnknownFault', 'No such subscription') };
    const limit = Math.max(1, Number(elementText(body, 'MessageLimit') ?? 10) || 10);
    if (sub.queue.length === 0) {
      const hold = Math.min(this.options.pullHoldMs ?? 1000, isoSeconds(elementText(body, 'Timeout')) * 1000);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, hold);
        sub.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      sub.wake = undefined;
    }
    const messages = sub.queue.splice(0, limit);
    const now = this.cameraNow();
    return { status: 200, xml: answers.pullMessages(this.dialect, new Date(now), new Date(sub.until), messages) };
  }

  private manage(action: 'Renew' | 'Unsubscribe', body: string, url: string): { status: number; xml: string } {
    const sub = this.findSubscription(body, url);
    if (!sub) return { status: 400, xml: answers.fault(this.dialect, 'wsrf-rw:ResourceUnknownFault', 'No such subscription') };
    const now = this.cameraNow();
    if (action === 'Unsubscribe') {
      this.subscriptions.delete(sub.id);
      sub.wake?.();
      return { status: 200, xml: answers.unsubscribed(this.dialect) };
    }
    sub.until = now + SUBSCRIPTION_MS;
    return { status: 200, xml: answers.renewed(this.dialect, new Date(now), new Date(sub.until)) };
  }
}

/** Namespace URI of the SOAP Body's first element (by its prefix's declaration or a default xmlns), if declared. */
export function bodyNamespace(body: string): string | undefined {
  const m = /<(?:[\w.-]+:)?Body[^>]*>\s*<(?:([\w.-]+):)?[A-Za-z]+([^>]*)>/.exec(body);
  if (!m) return undefined;
  const [, prefix, attrs] = m;
  if (prefix) return new RegExp(`xmlns:${prefix.replace(/[.-]/g, '\\$&')}\\s*=\\s*["']([^"']+)["']`).exec(body)?.[1];
  return /xmlns\s*=\s*["']([^"']+)["']/.exec(attrs ?? '')?.[1];
}

/** Seconds in an xs:duration such as PT1M or PT5S (0 when absent or unreadable). */
export function isoSeconds(duration: string | undefined): number {
  const m = duration ? /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(duration) : null;
  if (!m) return 60;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
