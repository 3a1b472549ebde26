/**
 * Abandoned pull points are unsubscribed: cameras allow few subscriptions (the simulator is
 * set to the limit that makes a leak visible), so a pull point left behind after a hung pull,
 * an error or stop() would hold a slot until it expires. Unsubscribe is best effort under a
 * short deadline: a camera that never answers it delays nothing beyond that deadline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { systemClock } from '../../src/clock.js';
import type { CameraConfig } from '../../src/config/schema.js';
import type { DeviceEvent } from '../../src/domain/device-events.js';
import { createCameraService, type CameraService, type CameraServiceOptions } from '../../devices/onvif/camera-service.js';
import { CameraSim } from '../../simulators/onvif/camera-sim.js';
import { waitFor } from '../helpers/daemon.js';

const PASSWORD = 'unsub-pw';

let sims: CameraSim[] = [];
let services: CameraService[] = [];
afterEach(async () => {
  for (const s of services) await s.stop();
  for (const s of sims) await s.stop();
  sims = [];
  services = [];
});

async function setup(maxPullPoints: number, driver: CameraServiceOptions['driver'] = {}) {
  const sim = new CameraSim({ username: 'contactd', password: PASSWORD, pullHoldMs: 100, maxPullPoints });
  await sim.start();
  sims.push(sim);
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const camera: CameraConfig = { id: 'cam-u', name: 'Unsubscribe', zones: ['room-1'], onvif: { url: sim.deviceUrl, username: 'contactd', passwordEnv: 'CAM_PW' } };
  const events: DeviceEvent[] = [];
  const service = createCameraService({
    cameras: [camera],
    env: { CAM_PW: PASSWORD },
    clock: systemClock,
    logger,
    onEvent: (e) => events.push(e),
    driver: { probeEveryMs: 5000, backoffMs: 100, maxBackoffMs: 200, requestTimeoutMs: 5000, pullDeadlineMs: 500, ...driver },
  });
  services.push(service);
  await service.start();
  const status = () => service.status()[0]!;
  const subscriptions = () => sim.requests.filter((r) => r === 'CreatePullPointSubscription').length;
  await waitFor('online and pulling', () => status().online && sim.requests.includes('PullMessages'), 6000);
  return { sim, service, events, logs, status, subscriptions };
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
