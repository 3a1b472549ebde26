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

export async function measureSkew(cam: OnvifCam, clock: Clock): Promise<SkewReading> {
  let xml = '';
  const onRaw = (body: string) => {
    if (/GetSystemDateAndTimeResponse/.test(body)) xml = body;
  };
  cam.on('rawResponse', onRaw);
  try {
    const sentAt = clock.now();
    const date = (await cam.getSystemDateAndTime()) as Date;
    const receivedAt = clock.now();
    if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw new Error('camera gave no usable date and time');
    return skewFrom(date.getTime(), sentAt, receivedAt, /UTCDateTime/.test(xml));
  } finally {
    cam.off('rawResponse', onRaw);
  }
}
