/**
 * The slice of the onvif package's promise API (onvif/promises, 0.8.x) contactd uses,
 * typed by what the package actually returns (xml2js + linerase objects, read loosely).
 * Its bundled declarations type most calls as taking no arguments, hence this shim.
 */
import type { EventEmitter } from 'node:events';
import type { Agent } from 'node:http';
import { Cam } from 'onvif/promises/index.js';

export interface OnvifCamOptions {
  hostname: string;
  port: number;
  path: string;
  username: string;
  password: string;
  timeout: number;
  agent: Agent;
  preserveAddress: boolean;
}

export interface OnvifCam {
  getSystemDateAndTime(): Promise<unknown>;
  getDeviceInformation(): Promise<unknown>;
  getServices(includeCapability: boolean): Promise<unknown>;
  getCapabilities(): Promise<unknown>;
  getProfiles(): Promise<unknown>;
  getVideoSources(): Promise<unknown>;
  getStreamUri(options: { protocol: string; profileToken?: string }): Promise<unknown>;
  getSnapshotUri(options: { profileToken?: string }): Promise<unknown>;
  createPullPointSubscription(): Promise<unknown>;
  pullMessages(options: { messageLimit: number }): Promise<unknown>;
  renew(options: Record<string, never>): Promise<unknown>;
  unsubscribe(): Promise<unknown>;
  /** Filled by createPullPointSubscription(): the pull point's address, a url.parse() object (see pull-point.ts). */
  readonly events: { subscription?: { subscriptionReference?: { address?: unknown } } };
  /** EventEmitter methods pass through the package's proxy to the callback-style Cam (emits rawResponse). */
  on: EventEmitter['on'];
  off: EventEmitter['off'];
}

export function createOnvifCam(options: OnvifCamOptions): OnvifCam {
  return new (Cam as unknown as new (o: OnvifCamOptions) => OnvifCam)(options);
}
