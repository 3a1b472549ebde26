/**
 * The camera driver against two camera faults that used to wedge it: media profiles that
 * match none of the camera's video sources (the onvif package's getActiveSources throws
 * inside an HTTP callback, and its connect() never settled), and a camera that takes a
 * PullMessages request and never answers it (the package's own request, out of reach of
 * stop() and with an 80-s timeout).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { CameraServiceOptions } from '../../devices/onvif/camera-service.js';
import { chooseProfile } from '../../devices/onvif/media-setup.js';
import { waitFor } from '../helpers/daemon.js';
import { ReplayCamera } from './replay-camera.js';
import { cameraHarness } from './harness.js';

const PASSWORD = 'robust-pw';
/** The pull point address in fixtures/common/CreatePullPointSubscription.xml. */
const PULL_POINT_PATH = '/onvif/Subscription?Idx=0';

const cams = cameraHarness();

const replay = (vendor: string): Promise<ReplayCamera> => cams.camera(new ReplayCamera({ vendor, username: 'contactd', password: PASSWORD, pullHoldMs: 100 }));

const serve = (list: Array<{ id: string; camera: ReplayCamera }>, driver: CameraServiceOptions['driver'] = {}) =>
  cams.serve(list.map(({ id, camera }) => ({ id, url: camera.deviceUrl })), { password: PASSWORD, driver: { maxBackoffMs: 200, ...driver } });

/** Open client and server connections, and pending timers, of this worker. */
const active = (kind: 'TCPSocketWrap' | 'Timeout') => process.getActiveResourcesInfo().filter((r) => r === kind).length;

describe('profiles that match none of the camera’s video sources', () => {
  it('fail the connect with the reason logged, are retried and counted, and leave other cameras working', async () => {
    const bad = await replay('mismatched-source');
    const good = await replay('common');
    const { logs, status, online } = await serve([
      { id: 'cam-bad', camera: bad },
      { id: 'cam-good', camera: good },
    ]);
    await waitFor('good camera online', () => online('cam-good').length === 1, 6000);
    await waitFor('bad camera retried', () => bad.requests.filter((r) => r.action === 'GetProfiles').length >= 3, 6000);
    await waitFor('connect failures counted', () => status('cam-bad').counters.connectFailures >= 2, 6000);
    expect(online('cam-bad')).toEqual([]);
    expect(status('cam-bad').online).toBe(false);
    const warnings = logs.filter((l) => l.msg === 'camera unreachable' && l.camera === 'cam-bad');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.reason)).toMatch(/match none of its video sources \(Profile_1 uses VideoSource_9; video sources: VideoSource_1\)/);
    expect(status('cam-good').info.profileToken).toBe('Profile_1');
    expect(status('cam-good').counters.connectFailures).toBe(0);
  });

  it('chooseProfile picks a profile bound to a video source and never throws on hostile input', () => {
    const profile = (token: string, source: string) => ({ $: { token }, videoSourceConfiguration: { $: { token: 'vsc' }, name: 'cfg', sourceToken: source }, videoEncoderConfiguration: {} });
    expect(chooseProfile([profile('P9', 'VS9'), profile('P1', 'VS1')], [{ $: { token: 'VS1' } }])).toMatchObject({ ok: true, profileToken: 'P1' });
    expect(chooseProfile(profile('P1', 'VS1'), { $: { token: 'VS1' } })).toMatchObject({ ok: true, profileToken: 'P1' });
    expect(chooseProfile([profile('P9', 'VS9')], undefined)).toMatchObject({ ok: true, profileToken: 'P9' });
    expect(chooseProfile([profile('P9', 'VS9')], [{ $: { token: 'VS1' } }])).toMatchObject({ ok: false });
    expect(chooseProfile([{ $: { token: 'P1' } }], [])).toMatchObject({ ok: false, reason: expect.stringMatching(/video encoder/) });
    expect(chooseProfile(undefined, undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/no media profiles/) });
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (profiles, sources) => {
        const choice = chooseProfile(profiles, sources);
        expect(choice.ok ? typeof choice.profileToken : typeof choice.reason).toBe('string');
      }),
    );
  });
});

describe('a camera that takes PullMessages and never answers', () => {
  it('stop() cuts off the held pull at once and leaves no sockets or timers behind', async () => {
    const camera = await replay('common');
    const sockets = active('TCPSocketWrap');
    const timers = active('Timeout');
    const { service, online } = await serve([{ id: 'cam-1', camera }]);
    await waitFor('online', () => online('cam-1').length === 1, 6000);
    camera.hangPulls = Number.POSITIVE_INFINITY;
    await waitFor('a pull held open', () => camera.heldPulls === 1, 6000);
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    await waitFor('camera saw the held pull closed', () => camera.closedUnansweredPulls === 1, 2000);
    await waitFor('no sockets left', () => active('TCPSocketWrap') <= sockets, 2000);
    expect(active('Timeout')).toBeLessThanOrEqual(timers);
  });

  it('a pull past its deadline is cut off, counted as hung and retried on a new subscription', async () => {
    const camera = await replay('common');
    const { events, logs, status, online } = await serve([{ id: 'cam-1', camera }], { pullDeadlineMs: 600, offlineAfterFailures: 3 });
    await waitFor('online', () => online('cam-1').length === 1, 6000);
    await waitFor('first pull', () => camera.requests.some((r) => r.action === 'PullMessages'), 6000);
    camera.hangPulls = 1;
    await waitFor('a pull held open', () => camera.heldPulls === 1, 6000);
    await waitFor('hung pull cut off', () => camera.closedUnansweredPulls === 1, 3000);
    await waitFor('hung pull counted', () => status('cam-1').counters.hungPulls === 1, 6000);
    expect(status('cam-1').counters.pullFailures).toBe(1);
    const warning = logs.find((l) => l.msg === 'camera event pull failed; subscribing again');
    expect(String(warning?.reason)).toMatch(/did not answer PullMessages within 600 ms/);
    // Subscribed again and pulling: events flow, the camera never went offline.
    await waitFor('subscribed again', () => camera.requests.filter((r) => r.action === 'CreatePullPointSubscription').length === 2, 6000);
    // The abandoned pull point was unsubscribed (at its own address) before the new subscription.
    const unsubscribe = camera.requests.findIndex((r) => r.action === 'Unsubscribe' && r.authorized);
    expect(camera.requests[unsubscribe]?.path).toBe(PULL_POINT_PATH);
    expect(unsubscribe).toBeLessThan(camera.requests.findLastIndex((r) => r.action === 'CreatePullPointSubscription'));
    expect(status('cam-1').counters.unsubscribeFailures).toBe(0);
    camera.push('PullMessages.empty');
    const before = camera.requests.length;
    await waitFor('pulling again', () => camera.requests.slice(before).some((r) => r.action === 'PullMessages'), 6000);
    expect(events.filter((e) => e.type === 'device-availability' && !e.online)).toEqual([]);
    expect(online('cam-1')).toHaveLength(1);
  });

  it('pulls that keep hanging put the camera offline and it reconnects', async () => {
    const camera = await replay('common');
    const { events, status, online } = await serve([{ id: 'cam-1', camera }], { pullDeadlineMs: 300, offlineAfterFailures: 2 });
    await waitFor('online', () => online('cam-1').length === 1, 6000);
    camera.hangPulls = 2;
    await waitFor('offline after 2 hung pulls', () => events.find((e) => e.type === 'device-availability' && !e.online), 4000);
    expect(status('cam-1').counters.hungPulls).toBe(2);
    await waitFor('reconnected', () => online('cam-1').length === 2, 6000);
    expect(camera.closedUnansweredPulls).toBe(2);
  });
});
