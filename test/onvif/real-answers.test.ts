/**
 * The camera driver against real cameras' answer shapes (test/onvif/fixtures, sources in its
 * README), served by the replay camera: connect, device info, profiles, stream and snapshot
 * URIs, clock skew, PullPoint events into domain events, and credentials refused.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import type { CameraInputWiring } from '../../devices/onvif/camera-service.js';
import { parseNotification } from '../../devices/onvif/event-topics.js';
import { waitFor } from '../helpers/daemon.js';
import { ReplayCamera } from './replay-camera.js';
import { cameraHarness } from './harness.js';

const PASSWORD = 'real-shapes';
const SKEW_MS = 4000;

interface Step {
  fixture: string;
  expect: Partial<DeviceEvent>;
  /** Camera time in the captured message (UTC), to check the event time. */
  cameraTime?: number;
}

interface VendorCase {
  vendor: string;
  info: { manufacturer: string; model: string; firmware: string };
  streamUri: string;
  snapshotUri: RegExp;
  /** Path the PullMessages go to (from the captured subscription address). */
  pullPath: string;
  skewBasis: 'utc' | 'local-time';
  wiring: CameraInputWiring[];
  steps: Step[];
}

const GENERIC = { manufacturer: 'Generic', model: 'IPC', firmware: '1.0.0' };
const STREAM = 'rtsp://127.0.0.1:554/Streaming/Channels/101';
const SNAPSHOT = /^http:\/\/127\.0\.0\.1:\d+\/onvif\/snapshot$/;

const CASES: VendorCase[] = [
  {
    vendor: 'axis',
    info: { manufacturer: 'AXIS', model: 'M5525-E', firmware: '8.40.1.1' },
    streamUri: STREAM,
    snapshotUri: SNAPSHOT,
    pullPath: '/onvif/services',
    skewBasis: 'utc',
    wiring: [{ token: '1', kind: 'panic' }],
    steps: [
      { fixture: 'PullMessages.io-port-active', expect: { type: 'panic', sourceId: 'cam-real:1', zoneId: 'room-1' }, cameraTime: Date.parse('2019-01-15T07:52:12.004Z') },
      { fixture: 'PullMessages.vmd4-active', expect: { type: 'motion', cameraId: 'cam-real', active: true } },
      { fixture: 'PullMessages.scene-change', expect: { type: 'tamper', deviceId: 'cam-real', active: true } },
    ],
  },
  {
    vendor: 'hikvision',
    info: { manufacturer: 'HIKVISION', model: 'DS-2CD2347G3-LI2UY', firmware: 'V5.11.0' },
    streamUri: STREAM,
    snapshotUri: SNAPSHOT,
    pullPath: '/onvif/events/sub_pull_session_1',
    skewBasis: 'utc',
    wiring: [],
    steps: [
      // UtcTime="2023-06-01T07:29:05" (no Z) is UTC.
      { fixture: 'PullMessages.motion', expect: { type: 'motion', active: true }, cameraTime: Date.UTC(2023, 5, 1, 7, 29, 5) },
      { fixture: 'PullMessages.tamper', expect: { type: 'tamper', active: true }, cameraTime: Date.UTC(2023, 5, 1, 7, 31, 40) },
    ],
  },
  {
    vendor: 'reolink',
    info: GENERIC,
    streamUri: STREAM,
    snapshotUri: SNAPSHOT,
    pullPath: '/onvif/PullSubManager?Idx=337177503',
    skewBasis: 'utc',
    wiring: [],
    steps: [{ fixture: 'PullMessages.motion', expect: { type: 'motion', active: true }, cameraTime: Date.parse('2024-03-12T00:46:31Z') }],
  },
  {
    vendor: 'tapo',
    info: GENERIC,
    streamUri: STREAM,
    snapshotUri: SNAPSHOT,
    pullPath: '/event-0_2020',
    skewBasis: 'utc',
    wiring: [],
    steps: [
      { fixture: 'PullMessages.motion', expect: { type: 'motion', active: true } },
      { fixture: 'PullMessages.tamper', expect: { type: 'tamper', active: true } },
    ],
  },
  { vendor: 'vivotek', info: GENERIC, streamUri: STREAM, snapshotUri: SNAPSHOT, pullPath: '/onvif/Subscription?Idx=0', skewBasis: 'utc', wiring: [], steps: [] },
  { vendor: 'gsoap-generic', info: GENERIC, streamUri: STREAM, snapshotUri: SNAPSHOT, pullPath: '/onvif/services?SubscriptionId=0', skewBasis: 'local-time', wiring: [], steps: [] },
];

const cams = cameraHarness();

async function setup(c: Pick<VendorCase, 'vendor' | 'wiring'>, password = PASSWORD) {
  const camera = await cams.camera(new ReplayCamera({ vendor: c.vendor, username: 'contactd', password: PASSWORD, skewMs: SKEW_MS, pullHoldMs: 150 }));
  const served = await cams.serve([{ id: 'cam-real', url: camera.deviceUrl }], { password, inputs: { 'cam-real': c.wiring } });
  return { camera, ...served };
}

describe('ONVIF driver against real cameras’ answer shapes', () => {
  for (const c of CASES) {
    it(`${c.vendor}: connects, reads info, URIs and clock, turns captured events into domain events`, async () => {
      const { camera, service, events } = await setup(c);
      await waitFor('online', () => events.find((e) => e.type === 'device-availability' && e.online), 6000);
      const [status] = service.status();
      expect(status?.info).toMatchObject({ ...c.info, profileToken: 'Profile_1', streamUri: c.streamUri });
      expect(status?.info.snapshotUri).toMatch(c.snapshotUri);
      expect(status?.skew?.basis).toBe(c.skewBasis);
      expect(Math.abs(service.skewMs('cam-real') - SKEW_MS)).toBeLessThan(1500);
      await waitFor('first pull', () => camera.requests.some((r) => r.action === 'PullMessages' && r.authorized), 6000);
      if (camera.has('PullMessages.initial.xml')) camera.push('PullMessages.initial');
      await waitFor('initial pulled', () => camera.requests.filter((r) => r.action === 'PullMessages').length >= 3, 6000);
      // Initialized messages report idle inputs: nothing to tell the daemon.
      expect(events.filter((e) => e.type !== 'device-availability')).toEqual([]);
      for (const step of c.steps) {
        const before = events.length;
        camera.push(step.fixture);
        const event = await waitFor(step.fixture, () => events.slice(before).find((e) => e.type === step.expect.type), 6000);
        expect(event).toMatchObject(step.expect);
        if (step.cameraTime !== undefined) expect(Math.abs((event as { at: number }).at - (step.cameraTime - SKEW_MS))).toBeLessThan(1500);
      }
      const pulls = camera.requests.filter((r) => r.action === 'PullMessages');
      expect(pulls.every((r) => r.path === c.pullPath && r.authorized)).toBe(true);
    });

    it(`${c.vendor}: a wrong password leaves it offline with the vendor's refusal logged once`, async () => {
      const { camera, events, logs } = await setup(c, 'wrong-password');
      await waitFor('refused retries', () => camera.requests.filter((r) => !r.authorized).length >= 6, 6000);
      expect(events.filter((e) => e.type === 'device-availability' && e.online)).toEqual([]);
      const warnings = logs.filter((l) => l.msg === 'camera unreachable');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]?.level).toBe(40);
      expect(String(warnings[0]?.reason)).toMatch(/refused the credentials .*(Sender not Authorized|wsse:Security)/i);
      expect(JSON.stringify(logs)).not.toContain('wrong-password');
    });
  }

  it('reads a Hikvision UtcTime without a zone designator as UTC, whatever the daemon’s time zone', () => {
    const previous = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      const message = {
        topic: { _: 'tns1:RuleEngine/TamperDetector/Tamper' },
        message: { message: { $: { UtcTime: '2023-06-01T07:27:22', PropertyOperation: 'Changed' }, source: { simpleItem: { $: { Name: 'VideoSourceToken', Value: 'vstoken_ch0001' } } }, data: { simpleItem: { $: { Name: 'State', Value: 'TRUE' } } } } },
      };
      const parsed = parseNotification(message);
      expect(parsed).toMatchObject({ ok: true, signal: { kind: 'tamper', active: true, cameraTime: Date.UTC(2023, 5, 1, 7, 27, 22) } });
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });
});

describe('parsers added for real answers never throw on hostile input', () => {
  it('faultReason and UtcTime reading take any text', async () => {
    const fc = (await import('fast-check')).default;
    const { faultReason } = await import('../../devices/onvif/skew.js');
    fc.assert(
      fc.property(fc.string(), fc.string(), (text, utc) => {
        const reason = faultReason(`<s:Fault><s:Subcode><s:Value>${text}</s:Value></s:Subcode><s:Text>${text}</s:Text></s:Fault>`);
        expect(typeof reason).toBe('string');
        expect(faultReason(text) === undefined || typeof faultReason(text) === 'string').toBe(true);
        const parsed = parseNotification({ topic: 'tns1:VideoSource/MotionAlarm', message: { message: { $: { UtcTime: utc }, data: { simpleItem: { $: { Name: 'State', Value: 'true' } } } } } });
        expect(parsed.ok).toBe(true);
        if (parsed.ok && parsed.signal.cameraTime !== undefined) expect(Number.isFinite(parsed.signal.cameraTime)).toBe(true);
      }),
    );
  });
});
