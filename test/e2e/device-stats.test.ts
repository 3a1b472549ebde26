/**
 * GET /api/devices through the real daemon: a malformed message on the broker is refused and
 * counted under its device, for the roles that look after hardware and for no one else.
 */
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { bookedDay, MIN, START, stopDay, type BookedDay } from '../helpers/daemon.js';
import { signIn } from '../helpers/http.js';
import { removeTempDirs } from '../helpers/tmp.js';

let day: BookedDay | undefined;
afterEach(async () => {
  await stopDay(day);
  day = undefined;
});
afterAll(removeTempDirs);

describe('device diagnostics', () => {
  it('counts refused MQTT messages per device for managers and admins; the front desk may not look', async () => {
    day = await bookedDay(new ManualClock(START - 60 * MIN));
    const admin = await signIn(day.daemon, 'ada', 'admin');
    const reception = await signIn(day.daemon, 'rita', 'reception');
    const before = (await admin.request('GET', '/api/devices')).json;
    expect(before.mqtt.devices['gate-b']).toEqual({ accepted: expect.any(Number), rejected: {} });
    expect(before.osdp).toMatchObject({ cardsRefused: 0, commandsDropped: 0 });
    expect(Object.keys(before.recorders.cameras).sort()).toEqual(day.config.site.cameras.map((c) => c.id).sort());
    const raw = await mqtt.connectAsync(day.daemon.hardware.brokerUrl()!);
    await raw.publishAsync('contactd/demo-centre/gate-b/reader/gate-b-in/credential', '{"v":1,"id":', { qos: 1 });
    await raw.endAsync();
    let after = await admin.request('GET', '/api/devices');
    for (let i = 0; i < 100 && after.json.mqtt?.devices?.['gate-b']?.rejected?.['not-json'] !== 1; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await admin.request('GET', '/api/devices');
    }
    expect(after.json.mqtt.devices['gate-b'].rejected).toEqual({ 'not-json': 1 });
    expect(after.status).toBe(200);
    expect(after.json.mqtt.connected).toBe(true);
    expect((await reception.request('GET', '/api/devices')).status).toBe(403);
  });
});
