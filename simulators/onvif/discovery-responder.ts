/**
 * WS-Discovery responder (ONVIF Core 7.3, WS-Discovery 2005/04): answers a multicast
 * Probe on 239.255.255.250:3702 with one ProbeMatch per simulated camera, so the admin's
 * "find cameras" and other ONVIF tools see them.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { elementText } from './auth.js';
import { probeMatches } from './soap-answers.js';

export interface DiscoverableCamera {
  deviceUrl: string;
  name: string;
}

export const WS_DISCOVERY_ADDRESS = '239.255.255.250';
export const WS_DISCOVERY_PORT = 3702;

export class DiscoveryResponder {
  private socket: Socket | undefined;
  private readonly endpoints = new Map<string, string>();
  probes = 0;

  constructor(
    private readonly cameras: () => readonly DiscoverableCamera[],
    private readonly port = WS_DISCOVERY_PORT,
  ) {}

  async start(): Promise<void> {
    const socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg.toString('utf8'), rinfo.address, rinfo.port));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.bind(this.port, () => resolve()));
    try {
      socket.addMembership(WS_DISCOVERY_ADDRESS);
    } catch {
      // No multicast route (containers): unicast probes to this port still work.
    }
  }

  async stop(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private onMessage(xml: string, address: string, port: number): void {
    if (!/<(?:[\w-]+:)?Probe[\s>/]/.test(xml)) return;
    const messageId = elementText(xml, 'MessageID');
    if (!messageId || messageId.length > 200) return;
    this.probes += 1;
    for (const cam of this.cameras()) {
      let endpoint = this.endpoints.get(cam.deviceUrl);
      if (!endpoint) {
        endpoint = `urn:uuid:${randomUUID()}`;
        this.endpoints.set(cam.deviceUrl, endpoint);
      }
      const scopes = ['onvif://www.onvif.org/type/video_encoder', 'onvif://www.onvif.org/Profile/Streaming', `onvif://www.onvif.org/name/${encodeURIComponent(cam.name)}`];
      const reply = Buffer.from(probeMatches(messageId, endpoint, cam.deviceUrl, scopes));
      this.socket?.send(reply, port, address);
    }
  }
}
