/**
 * PullMessages (ONVIF Core 9.2.2) that the driver can cut off. The onvif package (0.8.x)
 * sends pulls, renews and unsubscribes to the pull point with the parsed subscription
 * address itself (a url.parse() object) as the http.request options: they bypass the agent
 * and timeout given to the Cam (going through http.globalAgent), and a pull waits up to the
 * package's fixed 80-s reply timeout. Setting `agent` and `signal` on that object, which
 * http.request reads as ordinary options, routes them through the driver's agent and lets
 * an AbortSignal end the request: stop() and offline handling abort a pull the camera holds
 * open, and a deadline (the PT1M wait the package asks for, plus a margin) turns a camera
 * that never answers a pull into a pull failure instead of a hang. An abandoned pull point
 * is unsubscribed the same way, under a short deadline of its own.
 */
import type { Agent } from 'node:http';
import type { Clock } from '../../src/clock.js';
import type { OnvifCam } from './onvif-client.js';

/** The package asks the camera to hold an empty pull for up to <Timeout>PT1M</Timeout>. */
export const PULL_WAIT_MS = 60_000;
/** Network and camera slack beyond that before a pull counts as hung. */
export const PULL_MARGIN_MS = 10_000;

export class PullTimeoutError extends Error {
  constructor(readonly afterMs: number) {
    super(`camera did not answer PullMessages within ${afterMs} ms`);
  }
}

/** Routes the pull point's requests through `agent`, ended by `signal`; false before a subscription exists. */
export function routePullPoint(cam: OnvifCam, agent: Agent, signal: AbortSignal): boolean {
  const address: unknown = cam.events.subscription?.subscriptionReference?.address;
  if (typeof address !== 'object' || address === null) return false;
  Object.assign(address, { agent, signal });
  return true;
}

export interface PullOptions {
  agent: Agent;
  clock: Clock;
  /** Aborted when the driver stops or the camera goes offline. */
  session: AbortSignal;
  deadlineMs: number;
  messageLimit: number;
}

/** One PullMessages; rejects with PullTimeoutError past the deadline, or the session's reason when it is aborted. */
export async function pullWithDeadline(cam: OnvifCam, o: PullOptions): Promise<unknown> {
  const pull = new AbortController();
  const onSessionAbort = () => pull.abort(o.session.reason);
  if (o.session.aborted) onSessionAbort();
  o.session.addEventListener('abort', onSessionAbort, { once: true });
  const cancelDeadline = o.clock.setTimeout(() => pull.abort(new PullTimeoutError(o.deadlineMs)), o.deadlineMs);
  try {
    if (!routePullPoint(cam, o.agent, pull.signal)) throw new Error('no pull point subscription');
    return await cam.pullMessages({ messageLimit: o.messageLimit });
  } catch (e) {
    // An aborted request rejects with a bare AbortError: report why it was aborted.
    throw pull.signal.aborted ? (pull.signal.reason as Error) : e;
  } finally {
    cancelDeadline();
    o.session.removeEventListener('abort', onSessionAbort);
  }
}

export type UnsubscribeResult = { ok: true } | { ok: false; reason: string; path: string | undefined };

/**
 * Unsubscribe (WS-BaseNotification 6.1.2) of the current pull point, cut off after
 * `deadlineMs`. Never rejects. The package forgets the subscription as it sends, so a new
 * one can be created whatever the answer; no subscription is a no-op.
 */
export async function unsubscribeWithDeadline(cam: OnvifCam, o: { agent: Agent; clock: Clock; deadlineMs: number }): Promise<UnsubscribeResult> {
  const abort = new AbortController();
  const address = cam.events.subscription?.subscriptionReference?.address as { pathname?: unknown } | undefined;
  // A fresh signal: the one left on the address by the abandoned pull may already be aborted.
  if (!routePullPoint(cam, o.agent, abort.signal)) return { ok: true };
  const cancel = o.clock.setTimeout(() => abort.abort(new Error(`no answer to Unsubscribe within ${o.deadlineMs} ms`)), o.deadlineMs);
  try {
    await cam.unsubscribe();
    return { ok: true };
  } catch (e) {
    const reason = abort.signal.aborted ? (abort.signal.reason as Error).message : (e as Error).message;
    return { ok: false, reason, path: typeof address?.pathname === 'string' ? address.pathname : undefined };
  } finally {
    cancel();
  }
}
