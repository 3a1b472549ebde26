/**
 * Optional camera discovery for the admin: a WS-Discovery Probe (ONVIF Core 7.3) through
 * the onvif package, returning each answering device's service address. Nothing is
 * added to the config automatically; the admin chooses.
 */
import { Discovery } from 'onvif/promises/index.js';

export interface DiscoveredCamera {
  /** Device service URL (XAddr). */
  url: string;
  hostname: string;
  port: number;
}

export async function discoverCameras(timeoutMs = 3000): Promise<DiscoveredCamera[]> {
  const found = (await Discovery.probe({ timeout: timeoutMs, resolve: false })) as unknown[];
  const out: DiscoveredCamera[] = [];
  for (const item of found) {
    const match = (item as { probeMatches?: { probeMatch?: { XAddrs?: unknown } } }).probeMatches?.probeMatch;
    const xaddrs = typeof match?.XAddrs === 'string' ? match.XAddrs.split(/\s+/) : [];
    for (const x of xaddrs) {
      try {
        const u = new URL(x);
        out.push({ url: x, hostname: u.hostname, port: Number(u.port || 80) });
        break;
      } catch {
        // An unreadable XAddr from one device must not hide the others.
      }
    }
  }
  return out;
}
