/**
 * One ONVIF camera, through the onvif package's promise API: connect with the camera's
 * credentials (the package sends WS-Security UsernameToken digests and answers HTTP
 * digest challenges, ONVIF Core 5.9.1), read device information, profiles, stream and
 * snapshot URIs, measure clock skew (GetSystemDateAndTime, Core 8.3.1), run a PullPoint
 * subscription (Core 9.2) and report availability. It turns notifications into
 * CameraSignals; the service maps them onto domain events.
 */
import { Agent } from 'node:http';
import type { Logger } from 'pino';
import type { Clock } from '../../src/clock.js';
import { createOnvifCam, type OnvifCam } from './onvif-client.js';
import { parseNotification, type CameraSignal } from './event-topics.js';
import { measureSkew, type SkewReading } from './skew.js';
import { readMediaSetup, str } from './media-setup.js';
import { PULL_MARGIN_MS, PULL_WAIT_MS, PullTimeoutError, pullWithDeadline, routePullPoint, unsubscribeWithDeadline } from './pull-point.js';

export interface CameraDriverOptions {
  cameraId: string;
  /** Device service URL, e.g. http://10.0.0.5/onvif/device_service */
  url: string;
  username: string;
  password: string;
  clock: Clock;
  logger: Logger;
  /** Per-request timeout (not the PullMessages wait). */
  requestTimeoutMs?: number;
  /** Liveness probe period (an unauthenticated GetSystemDateAndTime). */
  probeEveryMs?: number;
  /** Failed probes in a row before the camera is declared offline. */
  offlineAfterFailures?: number;
  /** Warn when the camera's clock is further off than this. */
  skewWarnMs?: number;
  /** First reconnect delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A PullMessages unanswered this long is cut off and counted as hung (default PT1M + 10 s). */
  pullDeadlineMs?: number;
  /** Longest wait for the camera to answer Unsubscribe of an abandoned pull point (default 2 s). */
  unsubscribeDeadlineMs?: number;
}

/** Failures by kind since start, for status and alerts. */
export interface CameraDriverCounters {
  connectFailures: number;
  pullFailures: number;
  hungPulls: number;
  /** Abandoned pull points the camera did not confirm unsubscribing (they hold a slot until they expire). */
  unsubscribeFailures: number;
}

export interface CameraInfo {
  manufacturer?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  profileToken?: string;
  streamUri?: string;
  snapshotUri?: string;
}

export interface CameraDriverListener {
  signal(signal: CameraSignal & { at: number }): void;
  availability(online: boolean, reason: string): void;
  skew(reading: SkewReading): void;
  rejected(reason: string, topic?: string): void;
}

/* The package's objects are loosely typed; read them defensively. */
type Loose = Record<string, unknown> | undefined;

const STOP_CAP_MS = 3000;

export class OnvifCameraDriver {
  info: CameraInfo = {};
  online = false;
  lastSkew: SkewReading | undefined;
  readonly counters: CameraDriverCounters = { connectFailures: 0, pullFailures: 0, hungPulls: 0, unsubscribeFailures: 0 };
  private cam: OnvifCam | undefined;
  private agent = new Agent({ keepAlive: false });
  private running = false;
  private failures = 0;
  private cancelProbe: (() => void) | undefined;
  private backoff: number;
  private wakeBackoff: (() => void) | undefined;
  private lastFailure: string | undefined;
  /** Aborted on stop and on offline: ends a pull the camera is holding open. */
  private session = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly o: CameraDriverOptions,
    private readonly listener: CameraDriverListener,
  ) {
    this.backoff = o.backoffMs ?? 1000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.runLoop();
  }

  /** Ends the camera's requests (a held-open pull included) and resolves once its loop has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelProbe?.();
    this.wakeBackoff?.();
    this.session.abort(new Error('driver stopped'));
    this.agent.destroy();
    // Every request is cut off above, so the loop ends at once; the cap only keeps an
    // unforeseen hang in the package from holding up the daemon's shutdown.
    let cancelCap: (() => void) | undefined;
    const capped = await Promise.race([
      this.loop?.then(() => false),
      new Promise<boolean>((resolve) => (cancelCap = this.o.clock.setTimeout(() => resolve(true), STOP_CAP_MS))),
    ]);
    cancelCap?.();
    if (capped) this.o.logger.warn({ camera: this.o.cameraId }, 'camera driver did not stop in time; left behind');
  }

  private newCam(): OnvifCam {
    const u = new URL(this.o.url);
    this.session.abort(new Error('reconnecting'));
    this.session = new AbortController();
    this.agent.destroy();
    this.agent = new Agent({ keepAlive: false });
    return createOnvifCam({
      hostname: u.hostname,
      port: Number(u.port || 80),
      path: u.pathname,
      username: this.o.username,
      password: this.o.password,
      timeout: this.o.requestTimeoutMs ?? 5000,
      agent: this.agent,
      // Cameras behind NAT advertise their inside address in XAddrs: keep the configured one.
      preserveAddress: true,
    });
  }

  /** Connect, then pull events until something fails; reconnect with backoff. */
  private async runLoop(): Promise<void> {
    while (this.running) {
      let connected = false;
      try {
        await this.connect();
        connected = true;
        this.backoff = this.o.backoffMs ?? 1000;
        await this.pullLoop();
      } catch (e) {
        if (!this.running) break;
        if (!connected) this.counters.connectFailures += 1;
        this.markOffline(describeFailure(e));
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const cancel = this.o.clock.setTimeout(resolve, this.backoff);
        this.wakeBackoff = () => {
          cancel();
          resolve();
        };
      });
      this.backoff = Math.min(this.backoff * 2, this.o.maxBackoffMs ?? 30_000);
    }
  }

  private async connect(): Promise<void> {
    const cam = this.newCam();
    this.cam = cam;
    await this.checkClock(cam);
    this.assertRunning();
    // Not cam.connect(): see media-setup.ts (its getActiveSources can leave it never settling).
    const { profileToken } = await readMediaSetup(cam);
    this.assertRunning();
    const device = (await cam.getDeviceInformation()) as Loose;
    this.assertRunning();
    const stream = (await cam.getStreamUri({ protocol: 'RTSP', profileToken })) as Loose;
    this.assertRunning();
    const snapshot = (await cam.getSnapshotUri({ profileToken }).catch(() => undefined)) as Loose;
    this.assertRunning();
    this.info = {
      manufacturer: str(device?.manufacturer),
      model: str(device?.model),
      firmware: str(device?.firmwareVersion),
      serial: str(device?.serialNumber),
      profileToken,
      streamUri: str(stream?.uri),
      snapshotUri: str(snapshot?.uri),
    };
    if (!this.info.streamUri) throw new Error('camera gave no RTSP stream URI');
    this.o.logger.info({ camera: this.o.cameraId, ...this.info, streamUri: redactUri(this.info.streamUri) }, 'camera connected');
    this.markOnline();
    this.scheduleProbe();
  }

  private async checkClock(cam: OnvifCam): Promise<void> {
    const reading = await measureSkew(cam, this.o.clock);
    this.lastSkew = reading;
    this.listener.skew(reading);
    if (Math.abs(reading.skewMs) > (this.o.skewWarnMs ?? 5000)) {
      this.o.logger.warn(
        { camera: this.o.cameraId, skewMs: reading.skewMs, basis: reading.basis },
        'camera clock is off: its burned-in time and event times would misplace footage; fix its NTP setting',
      );
    }
  }

  /** A stop() during connect ends it at the next step rather than after every remaining request. */
  private assertRunning(): void {
    if (!this.running) throw new Error('driver stopped');
  }

  private async pullLoop(): Promise<void> {
    const cam = this.cam!;
    await cam.createPullPointSubscription();
    try {
      await this.pullUntilFailure(cam);
    } finally {
      // Stopped, gone offline or given up: the pull point is abandoned either way.
      await this.unsubscribe(cam, this.running ? 'connection given up' : 'driver stopped');
    }
    if (this.running) throw new Error('camera stopped answering');
  }

  private async pullUntilFailure(cam: OnvifCam): Promise<void> {
    let lastRenew = this.o.clock.now();
    let failedInARow = 0;
    while (this.running && this.online) {
      let data: Loose;
      try {
        data = (await pullWithDeadline(cam, this.pullOptions())) as Loose;
      } catch (e) {
        if (!this.running || !this.online) break;
        failedInARow += 1;
        await this.pullFailed(cam, e, failedInARow);
        lastRenew = this.o.clock.now();
        continue;
      }
      failedInARow = 0;
      this.failures = 0;
      const list = data?.notificationMessage;
      for (const message of Array.isArray(list) ? list : list === undefined ? [] : [list]) this.onMessage(message);
      if (this.o.clock.now() - lastRenew > 50_000) {
        // Axis needs Renew; others extend on every pull. A camera without Renew just ignores it.
        routePullPoint(cam, this.agent, this.session.signal);
        await cam.renew({}).catch(() => undefined);
        lastRenew = this.o.clock.now();
      }
    }
  }

  /**
   * Best-effort Unsubscribe (WS-BaseNotification 6.1.2, ONVIF Core 9.2) of a pull point the
   * driver is abandoning: cameras allow few subscriptions (Hikvision about 5), and one left
   * behind holds its slot until its termination time. Capped by a short deadline so a camera
   * that never answers cannot hold up the new subscription or stop(); a failure is counted
   * and logged, never thrown.
   */
  private async unsubscribe(cam: OnvifCam, why: string): Promise<void> {
    const result = await unsubscribeWithDeadline(cam, { agent: this.agent, clock: this.o.clock, deadlineMs: this.o.unsubscribeDeadlineMs ?? 2000 });
    if (result.ok) return;
    this.counters.unsubscribeFailures += 1;
    this.o.logger.warn(
      { camera: this.o.cameraId, why, reason: result.reason, pullPoint: result.path },
      'camera did not confirm Unsubscribe of an abandoned pull point; it holds a subscription slot until it expires',
    );
  }

  private pullOptions() {
    return { agent: this.agent, clock: this.o.clock, session: this.session.signal, deadlineMs: this.o.pullDeadlineMs ?? PULL_WAIT_MS + PULL_MARGIN_MS, messageLimit: 20 };
  }

  /**
   * Counts a failed or hung pull and subscribes again: the pull point that failed is
   * unsubscribed (best effort) and abandoned. Enough failures in a row and the connection is
   * given up (the caller unsubscribes, then reconnects with backoff).
   */
  private async pullFailed(cam: OnvifCam, e: unknown, failedInARow: number): Promise<void> {
    this.counters.pullFailures += 1;
    if (e instanceof PullTimeoutError) this.counters.hungPulls += 1;
    const reason = (e as Error).message;
    if (failedInARow >= (this.o.offlineAfterFailures ?? 3)) throw new Error(`${failedInARow} event pulls in a row failed: ${reason}`);
    this.o.logger.warn({ camera: this.o.cameraId, reason, failedInARow }, 'camera event pull failed; subscribing again');
    await this.unsubscribe(cam, `pull failed: ${reason}`);
    await cam.createPullPointSubscription();
  }

  private onMessage(message: unknown): void {
    const parsed = parseNotification(message);
    if (!parsed.ok) {
      this.listener.rejected(parsed.reason, parsed.topic);
      return;
    }
    // Camera time corrected by the measured skew; the daemon's clock when the camera sent none.
    const skew = this.lastSkew?.skewMs ?? 0;
    const at = parsed.signal.cameraTime !== undefined ? parsed.signal.cameraTime - skew : this.o.clock.now();
    this.listener.signal({ ...parsed.signal, at });
  }

  private scheduleProbe(): void {
    this.cancelProbe?.();
    if (!this.running) return;
    this.cancelProbe = this.o.clock.setTimeout(() => void this.probe(), this.o.probeEveryMs ?? 10_000);
  }

  /** Liveness: a failed probe counts; enough in a row and the camera is offline. */
  private async probe(): Promise<void> {
    if (!this.running || !this.cam) return;
    try {
      await this.checkClock(this.cam);
      this.failures = 0;
    } catch (e) {
      this.failures += 1;
      if (this.failures >= (this.o.offlineAfterFailures ?? 3)) {
        this.markOffline(`no answer to ${this.failures} probes: ${(e as Error).message}`);
        this.session.abort(new Error('camera offline'));
        this.agent.destroy();
        return;
      }
    }
    this.scheduleProbe();
  }

  private markOnline(): void {
    this.failures = 0;
    if (this.online) return;
    this.online = true;
    this.listener.availability(true, 'connected');
  }

  private markOffline(reason: string): void {
    this.cancelProbe?.();
    if (!this.online) {
      // A camera that never came up (wrong password, wrong URL) says why once, at warn;
      // the same reason again on every retry would flood the log.
      const changed = reason !== this.lastFailure;
      this.lastFailure = reason;
      if (changed) this.o.logger.warn({ camera: this.o.cameraId, reason }, 'camera unreachable');
      else this.o.logger.debug({ camera: this.o.cameraId, reason }, 'camera still unreachable');
      return;
    }
    this.lastFailure = reason;
    this.online = false;
    this.o.logger.warn({ camera: this.o.cameraId, reason }, 'camera offline');
    this.listener.availability(false, reason);
  }
}

/**
 * Why a connection failed, in words an installer can act on. Cameras refuse credentials
 * as a SOAP fault (ter:NotAuthorized, ONVIF Core 5.11.2.4; wording varies by vendor:
 * "Sender not Authorized", "An error was discovered processing the <wsse:Security>
 * header", TP-Link Tapo's "Authority failure" (open-nvr/open-nvr#470,
 * kennedn/tapo-onboarding#3)) or as an HTTP 401 to a digest answer.
 */
export function describeFailure(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/notauthori[sz]ed|not authori[sz]ed|wsse:security|failedauthentication|security token|digest authentication failed|authority failure/i.test(message)) {
    return `camera refused the credentials (${message}); check the ONVIF user and password configured for it`;
  }
  return message;
}

/** RTSP URIs may carry credentials: never log them. */
export function redactUri(uri: string | undefined): string | undefined {
  return uri?.replace(/\/\/[^@/]*@/, '//***@');
}
