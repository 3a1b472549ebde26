/**
 * The access engine takes one decision at a time: an event a driver reports while it is
 * carrying out a command of the decision in progress (here, an unlock it could not send)
 * is decided after that decision, never inside it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent, DoorCommand, DoorDriver } from '../../src/domain/device-events.js';
import { staffKey } from '../../src/api/routes/doors.js';
import { buildTestApi, signedIn, type TestApi } from '../helpers/app.js';
import { removeTempDirs } from '../helpers/tmp.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
  removeTempDirs();
});

/** A door controller that cannot send anything: it reports each unlock as it is asked for it. */
function unreachableDriver(): DoorDriver {
  const listeners = new Set<(e: DeviceEvent) => void>();
  return {
    name: 'unreachable',
    start: async () => undefined,
    stop: async () => undefined,
    execute(command: DoorCommand) {
      if (command.type !== 'unlock') return;
      const failed: DeviceEvent = { type: 'door-command-failed', deviceId: 'ctl', command: 'unlock', commandId: command.commandId, doorId: command.doorId, failure: 'not-sent', at: command.expiresAt - 3000 };
      for (const l of listeners) l(failed);
    },
    onEvent(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

describe('access engine', () => {
  it('decides an event reported during a decision after it: the release is recorded, then its failure ends it', async () => {
    api = await buildTestApi();
    const { services, store } = api;
    const door = services.config.site.doors[0]!;
    services.access.attach(unreachableDriver(), [door.id]);
    await signedIn(api, 'reception', 'rita');
    const rita = store.users.list().find((u) => u.username === 'rita')!;
    services.access.reload('test staff');
    const heard: string[] = [];
    services.bus.on('access-decision', ({ decision }) => heard.push(decision.code));
    const outcome = await services.access.act({ type: 'reception-release', doorId: door.id, staffId: staffKey(rita), reason: 'forgotten card', at: api.clock.now() });
    expect(outcome.decision.outcome).toBe('granted');
    await services.access.settled();
    // Decided and announced in order: the release, then its failure.
    expect(heard).toEqual(['RECEPTION_RELEASE', 'RECORDED']);
    expect(store.decisions.list({ limit: 10 })).toHaveLength(2);
    expect(services.access.state().doors[door.id]!.unlockedUntil).toBe(api.clock.now());
    expect(store.alerts.list({ state: 'open' }).map((a) => a.kind)).toContain('door-command-failed');
  });
});
