import { describe, expect, it } from 'vitest';
import { CameraSim } from '../../simulators/onvif/camera-sim.js';
import { DIALECTS } from '../../simulators/onvif/dialects.js';
import { waitFor } from '../helpers/daemon.js';
import { cameraHarness } from './harness.js';

const PASSWORD = 'sim-secret';

const cams = cameraHarness();

/** What each dialect's camera is expected to show the driver. */
const EXPECT: Record<string, { inputs: [string, string] | null; media: 'media1' | 'media2'; profileToken: string; snapshot: boolean }> = {
  standard: { inputs: ['DI_1', 'DI_2'], media: 'media1', profileToken: 'Profile_1', snapshot: true },
  'profile-t': { inputs: ['DI_1', 'DI_2'], media: 'media2', profileToken: 'Profile_1', snapshot: true },
  'hikvision-like': { inputs: ['DI_1', 'DI_2'], media: 'media2', profileToken: 'Profile_1', snapshot: true },
  // Tapo cameras have no I/O and no snapshot URI.
  'tapo-like': { inputs: null, media: 'media1', profileToken: 'Profile_1', snapshot: false },
  // Axis IO ports are numbered from 0.
  'axis-like': { inputs: ['0', '1'], media: 'media2', profileToken: 'profile_1_h264', snapshot: true },
  'budget-like': { inputs: ['DI_1', 'DI_2'], media: 'media1', profileToken: 'Profile_1', snapshot: true },
};

async function setup(dialect: string, opts: { inputs?: string[]; password?: string; skewMs?: number } = {}) {
  const sim = await cams.camera(new CameraSim({ username: 'contactd', password: PASSWORD, dialect: DIALECTS[dialect], inputs: opts.inputs ?? ['DI_1', 'DI_2'], pullHoldMs: 200, rtspUri: 'rtsp://127.0.0.1:8554/cam1' }));
  sim.faults.skewMs = opts.skewMs ?? 0;
  const [panicToken, doorToken] = EXPECT[dialect]?.inputs ?? ['DI_1', 'DI_2'];
  const served = await cams.serve([{ id: 'cam-test', url: sim.deviceUrl }], {
    password: opts.password ?? PASSWORD,
    inputs: { 'cam-test': [{ token: panicToken, kind: 'panic' }, { token: doorToken, kind: 'door-contact', doorId: 'door-7' }] },
    driver: { probeEveryMs: 150, offlineAfterFailures: 2, maxBackoffMs: 300, requestTimeoutMs: 1500 },
  });
  return { sim, ...served };
}

const MEDIA2 = 'http://www.onvif.org/ver20/media/wsdl';

describe('ONVIF driver against the simulator, in each vendor dialect', () => {
  it('has an expectation for every dialect', () => {
    expect(Object.keys(EXPECT).sort()).toEqual(Object.keys(DIALECTS).sort());
  });

  for (const dialect of Object.keys(DIALECTS)) {
    const want = EXPECT[dialect]!;
    it(`${dialect}: connects, reads info and URIs, turns ${want.inputs ? 'inputs, ' : ''}motion and tamper into domain events`, async () => {
      const { sim, service, events } = await setup(dialect, want.inputs ? {} : { inputs: [] });
      await waitFor('online', () => events.find((e) => e.type === 'device-availability' && e.online), 8000);
      const [status] = service.status();
      expect(status?.info).toMatchObject({ manufacturer: 'contactd-sim', model: `SimCam ${dialect}`, profileToken: want.profileToken });
      expect(service.streamUri('cam-test')).toBe('rtsp://127.0.0.1:8554/cam1');
      if (want.snapshot) expect(status?.info.snapshotUri).toMatch(/snapshot\.jpg$/);
      else expect(status?.info.snapshotUri).toBeUndefined();
      // The stream URI came from the media service the camera offers (Media2 when it lists it).
      const streamCall = sim.calls.find((c) => c.action === 'GetStreamUri');
      expect(streamCall?.namespace === MEDIA2 ? 'media2' : 'media1').toBe(want.media);
      await waitFor('subscribed', () => sim.activeSubscriptions > 0, 8000);
      await new Promise((r) => setTimeout(r, 300));
      // Initialized messages report all-off: no domain events for them.
      expect(events.filter((e) => e.type !== 'device-availability')).toEqual([]);

      if (want.inputs) {
        const [panicToken] = want.inputs;
        sim.setInput('DI_1', true);
        const panic = await waitFor('panic event', () => events.find((e) => e.type === 'panic'), 8000);
        expect(panic).toMatchObject({ type: 'panic', sourceId: `cam-test:${panicToken}`, zoneId: 'room-1' });
        sim.setInput('DI_2', true);
        await waitFor('door open', () => events.find((e) => e.type === 'door-contact' && e.open), 8000);
        sim.setInput('DI_2', false);
        await waitFor('door closed', () => events.find((e) => e.type === 'door-contact' && !e.open), 8000);
        expect(events.find((e) => e.type === 'door-contact')).toMatchObject({ doorId: 'door-7' });
      }
      sim.setMotion(true);
      await waitFor('motion started', () => events.find((e) => e.type === 'motion' && e.active), 8000);
      sim.setMotion(false);
      await waitFor('motion ended', () => events.find((e) => e.type === 'motion' && !e.active), 8000);
      sim.setTamper(true);
      await waitFor('tamper', () => events.find((e) => e.type === 'tamper' && e.active), 8000);
      // Nothing the camera sent was left unread.
      expect([...service.rejected.values()].reduce((a, b) => a + b, 0)).toBe(0);
      // HTTP-digest-only cameras refuse the first (WS-Security) try with a 401 challenge; the others accept it.
      if (DIALECTS[dialect]!.auth === 'http-digest') expect(sim.authFailures).toBeGreaterThan(0);
      else expect(sim.authFailures).toBe(0);
    });
  }

  it('measures clock skew (UTC answer) and corrects event times by it', async () => {
    const { sim, service, events } = await setup('standard', { skewMs: 90_000 });
    await waitFor('clock read', () => service.status()[0]?.skew, 8000);
    expect(Math.abs(service.skewMs('cam-test') - 90_000)).toBeLessThan(1500);
    await waitFor('subscribed', () => sim.activeSubscriptions > 0, 8000);
    const before = Date.now();
    sim.setMotion(true);
    const motion = await waitFor('motion event', () => events.find((e) => e.type === 'motion'), 8000);
    expect(Math.abs(motion.at - before)).toBeLessThan(2000);
  });

  it('takes the time-zone offset out of a local-time-only answer', async () => {
    const { service } = await setup('budget-like', { skewMs: 7_000 });
    await waitFor('clock read', () => service.status()[0]?.skew, 8000);
    const skew = service.status()[0]!.skew!;
    expect(skew.basis).toBe('local-time');
    expect(Math.abs(skew.skewMs - 7_000)).toBeLessThan(1500);
  });

  it('a wrong password never goes online and is reported as refused credentials (WS-Security, HTTP digest, Tapo wording)', async () => {
    for (const dialect of ['standard', 'hikvision-like', 'tapo-like']) {
      const { sim, events, logs } = await setup(dialect, { password: 'wrong' });
      await waitFor('two refused logins', () => sim.authFailures >= 2, 8000);
      await new Promise((r) => setTimeout(r, 300));
      expect(events.filter((e) => e.type === 'device-availability' && e.online)).toEqual([]);
      const warning = logs.find((l) => l.msg === 'camera unreachable');
      expect(String(warning?.reason)).toMatch(/^camera refused the credentials/);
    }
  });

  it('detects a camera going offline and coming back, and re-reports a panic pressed meanwhile', async () => {
    const { sim, events } = await setup('standard');
    await waitFor('online', () => events.find((e) => e.type === 'device-availability' && e.online), 8000);
    await waitFor('subscribed', () => sim.activeSubscriptions > 0, 8000);
    sim.faults.offline = true;
    await waitFor('offline', () => events.find((e) => e.type === 'device-availability' && !e.online), 8000);
    sim.setInput('DI_1', true);
    sim.faults.offline = false;
    await waitFor('online again', () => events.filter((e) => e.type === 'device-availability' && e.online).length === 2, 8000);
    await waitFor('panic event', () => events.find((e) => e.type === 'panic'), 8000);
  });

  it('survives malformed XML and slow answers without crashing, then recovers', async () => {
    const { sim, events } = await setup('standard');
    await waitFor('online', () => events.find((e) => e.type === 'device-availability' && e.online), 8000);
    sim.faults.malformed = true;
    await waitFor('offline', () => events.find((e) => e.type === 'device-availability' && !e.online), 8000);
    sim.faults.malformed = false;
    sim.faults.slowMs = 3000;
    await new Promise((r) => setTimeout(r, 600));
    expect(events.filter((e) => e.type === 'device-availability' && e.online)).toHaveLength(1);
    sim.faults.slowMs = 0;
    await waitFor('online again', () => events.filter((e) => e.type === 'device-availability' && e.online).length === 2, 8000);
  });
});
