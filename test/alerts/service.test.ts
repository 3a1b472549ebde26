import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let api: TestApi;
beforeEach(async () => {
  api = await buildTestApi();
});
afterEach(() => api.close());
afterAll(removeTempDirs);

describe('alert service', () => {
  it('folds repeats of one alert, keeps two devices apart, and escalates only what nobody acknowledged', () => {
    const { alerts } = api.services;
    const bus = alerts.raise({ kind: 'device-offline', severity: 'warning', text: 'bus bus-1 is offline.', source: 'access' });
    const again = alerts.raise({ kind: 'device-offline', severity: 'warning', text: 'bus bus-1 is offline.', source: 'access' });
    const reader = alerts.raise({ kind: 'device-offline', severity: 'warning', text: 'reader room-4-out is offline.', source: 'access' });
    expect(again.id).toBe(bus.id);
    expect(again.repeats).toBe(1);
    expect(reader.id).not.toBe(bus.id);

    alerts.acknowledge(reader.id, 'user:rae');
    api.clock.advance(api.config.settings.alerts.escalateAfterSeconds * 1000 + 1);
    expect(api.store.alerts.get(bus.id)!.escalations).toBe(1);
    expect(api.store.alerts.get(reader.id)!.escalations).toBe(0);
    api.clock.advance(api.config.settings.alerts.repeatEverySeconds * 1000);
    expect(api.store.alerts.get(bus.id)!.escalations).toBe(2);
  });

  it('raises an info alert without escalating it, and refuses to resolve twice', () => {
    const { alerts } = api.services;
    const info = alerts.raise({ kind: 'note', severity: 'info', text: 'Camera 3 clock corrected.', source: 'system' });
    api.clock.advance(3_600_000);
    expect(api.store.alerts.get(info.id)!.escalations).toBe(0);
    alerts.resolve(info.id, 'user:rae', 'seen');
    expect(() => alerts.resolve(info.id, 'user:rae', 'again')).toThrow(/already resolved/);
  });
});
