/**
 * Abandoned pull points are unsubscribed: cameras allow few subscriptions (the simulator is
 * set to the limit that makes a leak visible), so a pull point left behind after a hung pull,
 * an error or stop() would hold a slot until it expires. Unsubscribe is best effort under a
 * short deadline: a camera that never answers it delays nothing beyond that deadline.
 */
import { describe, expect, it } from 'vitest';
import type { CameraServiceOptions } from '../../devices/onvif/camera-service.js';
import { CameraSim } from '../../simulators/onvif/camera-sim.js';
import { waitFor } from '../helpers/daemon.js';
import { cameraHarness } from './harness.js';

const PASSWORD = 'unsub-pw';

const cams = cameraHarness();

async function setup(maxPullPoints: number, driver: CameraServiceOptions['driver'] = {}) {
  const sim = await cams.camera(new CameraSim({ username: 'contactd', password: PASSWORD, pullHoldMs: 100, maxPullPoints }));
  const served = await cams.serve([{ id: 'cam-u', url: sim.deviceUrl }], { password: PASSWORD, driver: { maxBackoffMs: 200, requestTimeoutMs: 5000, pullDeadlineMs: 500, ...driver } });
  const subscriptions = () => sim.requests.filter((r) => r === 'CreatePullPointSubscription').length;
  await waitFor('online and pulling', () => served.status().online && sim.requests.includes('PullMessages'), 6000);
  return { sim, ...served, status: () => served.status(), subscriptions };
}

describe('a pull point the driver abandons', () => {
  it('after a hung pull is unsubscribed, freeing the camera’s only slot for the new subscription', async () => {
    const { sim, events, status, subscriptions } = await setup(1);
    sim.faults.hangPulls = 1;
    await waitFor('a pull hung', () => sim.hungPullSubscriptions.length === 1, 6000);
    const abandoned = sim.hungPullSubscriptions[0]!;
    await waitFor('abandoned pull point unsubscribed', () => sim.unsubscribeRequests.includes(abandoned), 6000);
    await waitFor('subscribed again', () => subscriptions() === 2, 6000);
    const before = sim.requests.length;
    await waitFor('pulling again', () => sim.requests.slice(before).includes('PullMessages'), 6000);
    // One slot, and it is the new subscription's: without the Unsubscribe it would have been refused.
    expect(sim.activeSubscriptions).toBe(1);
    expect(status().counters).toMatchObject({ hungPulls: 1, unsubscribeFailures: 0 });
    sim.setMotion(true);
    await waitFor('events flow on the new subscription', () => events.find((e) => e.type === 'motion' && e.active), 6000);
  });

  it('by stop() is unsubscribed', async () => {
    const { sim, service } = await setup(5);
    expect(sim.activeSubscriptions).toBe(1);
    await service.stop();
    expect(sim.unsubscribeRequests).toEqual(['1']);
    expect(sim.activeSubscriptions).toBe(0);
  });

  it('on a camera that never answers Unsubscribe: counted and logged, and the new subscription is not held up past the deadline', async () => {
    // The request timeout (5 s) is far longer than the Unsubscribe deadline: only the deadline can end the wait early.
    const { sim, logs, status, subscriptions } = await setup(5, { unsubscribeDeadlineMs: 300 });
    sim.faults.ignoreUnsubscribe = true;
    sim.faults.hangPulls = 1;
    await waitFor('Unsubscribe sent', () => sim.unsubscribeRequests.length === 1, 6000);
    const sentAt = Date.now();
    await waitFor('subscribed again', () => subscriptions() === 2, 6000);
    expect(Date.now() - sentAt).toBeLessThan(2500);
    expect(status().counters.unsubscribeFailures).toBe(1);
    const warning = logs.find((l) => String(l.msg).startsWith('camera did not confirm Unsubscribe'));
    expect(warning).toMatchObject({ level: 40, camera: 'cam-u', pullPoint: '/onvif/pullpoint/1' });
    expect(String(warning?.reason)).toMatch(/no answer to Unsubscribe within 300 ms/);
  });

  it('by stop() on a camera that never answers Unsubscribe: stop() ends at the deadline', async () => {
    const { sim, service, status } = await setup(5, { unsubscribeDeadlineMs: 300 });
    sim.faults.ignoreUnsubscribe = true;
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(2500);
    expect(sim.unsubscribeRequests).toEqual(['1']);
    expect(status().counters.unsubscribeFailures).toBe(1);
  });
});
