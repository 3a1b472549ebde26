/**
 * Camera clock skew from GetSystemDateAndTime (ONVIF Core 8.3.1). The answer has one
 * second resolution, so the reading is taken against the midpoint of the round trip.
 * UTCDateTime is optional in the schema: a camera that gives only LocalDateTime is read
 * by the onvif package as if it were UTC, so its time-zone offset (a multiple of 15
 * minutes) is taken out and the reading is marked as such.
 */
import type { OnvifCam } from './onvif-client.js';
import type { Clock } from '../../src/clock.js';

export interface SkewReading {
  /** Camera clock minus daemon clock, ms (positive: camera ahead). */
  skewMs: number;
  basis: 'utc' | 'local-time';
  roundTripMs: number;
  at: number;
}

const QUARTER_HOUR = 15 * 60_000;

export function skewFrom(cameraMs: number, sentAt: number, receivedAt: number, hadUtc: boolean): SkewReading {
  const mid = (sentAt + receivedAt) / 2;
  let skewMs = Math.round(cameraMs - mid);
  if (!hadUtc) skewMs -= Math.round(skewMs / QUARTER_HOUR) * QUARTER_HOUR;
  return { skewMs, basis: hadUtc ? 'utc' : 'local-time', roundTripMs: receivedAt - sentAt, at: receivedAt };
}

/**
 * The onvif package dates every WS-Security token by `timeShift`, which it sets once, from
 * the first GetSystemDateAndTime, reading a LocalDateTime-only answer as if it were UTC.
 * A camera that sends only LocalDateTime away from UTC (agsh/onvif#165 shape) then gets
 * tokens an hour or more off and, checking `Created`, refuses every call. A camera that
 * wants credentials even for GetSystemDateAndTime (Vivotek, agsh/onvif#301) gets a retry
 * dated 1970, since timeShift is not set yet. So: start from the daemon's clock, and after
 * each reading date tokens by the corrected camera clock.
 * The package's promise proxy assigns through to the camera but reports false, which
 * a strict-mode assignment would turn into a throw: hence Reflect.set.
 */
function dateTokensBy(cam: OnvifCam, cameraNowMs: number): void {
  Reflect.set(cam, 'timeShift', cameraNowMs - process.uptime() * 1000);
}

/** The Reason of a SOAP fault, so a refusal reads as one (the package loses it when its authenticated retry fails). */
export function faultReason(xml: string): string | undefined {
  if (!/<(?:[\w.-]+:)?Fault[\s>]/.test(xml)) return undefined;
  const reason = /<(?:[\w.-]+:)?Text[^>]*>([^<]*)<\/(?:[\w.-]+:)?Text>/.exec(xml)?.[1];
  const subcode = /<(?:[\w.-]+:)?Subcode>\s*<(?:[\w.-]+:)?Value>([^<]*)</.exec(xml)?.[1];
  const text = [subcode?.trim(), reason?.trim().replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')].filter(Boolean).join(': ');
  return text || 'SOAP fault';
}

export async function measureSkew(cam: OnvifCam, clock: Clock): Promise<SkewReading> {
  let xml = '';
  let last = '';
  const onRaw = (body: string) => {
    last = body;
    if (/GetSystemDateAndTimeResponse/.test(body)) xml = body;
  };
  cam.on('rawResponse', onRaw);
  if (!Reflect.get(cam, 'timeShift')) dateTokensBy(cam, Date.now());
  try {
    const sentAt = clock.now();
    let date: unknown;
    try {
      date = await cam.getSystemDateAndTime();
    } catch (e) {
      const fault = faultReason(last);
      throw fault ? new Error(`ONVIF SOAP Fault: ${fault}`) : e;
    }
    const receivedAt = clock.now();
    if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw new Error('camera gave no usable date and time');
    const reading = skewFrom(date.getTime(), sentAt, receivedAt, /UTCDateTime/.test(xml));
    dateTokensBy(cam, Date.now() + reading.skewMs);
    return reading;
  } finally {
    cam.off('rawResponse', onRaw);
  }
}
