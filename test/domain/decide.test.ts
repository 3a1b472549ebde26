import { describe, expect, it } from 'vitest';
import { possibleOf, revokeCredential, withContext, type CommandFailure, type DeviceEvent } from '../../src/domain/index.js';
import { confirm, demoDay, pass, run, t, tap } from './access-fixtures.js';
import { demo } from './fixtures.js';

const zones = (s: ReturnType<typeof demoDay>, id: string) => [...possibleOf(s.possible, id, demo)];

describe('decide: visitors and their movements', () => {
  it('admits the visiting parent at entrance B inside the window, with an unlock that signals the reader, occupancy and audit', () => {
    const r = tap(demoDay(), 'gate-b-in', 'bb02', t('10:00'));
    expect(r.decision).toMatchObject({ outcome: 'granted', code: 'MOVEMENT', personId: 'vp-1', doorId: 'gate-b', at: t('10:00') });
    expect(r.decision.movementId).toMatch(/^b-1:vp-1:/);
    expect(r.effects).toContainEqual({ type: 'door', command: { type: 'unlock', doorId: 'gate-b', seconds: 5, commandId: expect.any(String), expiresAt: t('10:00') + 3000, readerId: 'gate-b-in' } });
    // One command does both: no separate feedback for a grant.
    expect(r.effects.filter((e) => e.type === 'door')).toHaveLength(1);
    expect(r.effects).toContainEqual({ type: 'occupancy', personId: 'vp-1', zones: ['carpark-b', 'outside'] });
    expect(r.effects.at(-1)).toMatchObject({ type: 'audit', decision: r.decision, input: { type: 'credential-presented', cardId: 'bb02' } });
  });

  it('places the holder behind the door once their passage is seen, and relocks', () => {
    const s = pass(demoDay(), 'gate-b-in', 'BB02', t('10:00'));
    expect(zones(s, 'vp-1')).toEqual(['carpark-b']);
    expect(s.passages['vp-1|gate-b']).toBe(t('10:00') + 3000);
  });

  it('holds an early arrival with the time to come back, and denies one far too early', () => {
    const early = tap(demoDay(), 'gate-b-in', 'BB02', t('09:50'));
    expect(early.decision).toMatchObject({ outcome: 'held', code: 'EARLY', reason: 'You are early: please wait until 09:55.' });
    expect(early.effects).toContainEqual(expect.objectContaining({ type: 'notify-reception', kind: 'early', until: t('09:55') }));
    expect(tap(demoDay(), 'gate-b-in', 'BB02', t('09:30')).decision).toMatchObject({ outcome: 'denied', code: 'NO_BOOKING_NOW' });
  });

  it('sends a parent at the wrong entrance to their own', () => {
    const r = tap(demoDay(), 'gate-a-in', 'BB02', t('10:00'));
    expect(r.decision).toMatchObject({ outcome: 'denied', code: 'WRONG_DOOR', reason: 'Please use Entrance B (Station Road).' });
  });

  it('denies a late arrival and tells reception', () => {
    const r = tap(demoDay(), 'gate-b-in', 'BB02', t('10:10'));
    expect(r.decision).toMatchObject({ outcome: 'denied', code: 'WINDOW_PASSED' });
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'notify-reception', kind: 'late', personId: 'vp-1' }));
  });

  it('denies unknown and revoked credentials at once, and resolves hashed PINs without recording them', () => {
    expect(tap(demoDay(), 'gate-b-in', 'FFFF', t('10:00')).decision).toMatchObject({ outcome: 'denied', code: 'UNKNOWN_CREDENTIAL' });
    const s = demoDay();
    const revoked = withContext(s, { credentials: revokeCredential(s.ctx.credentials, 'c-vp', t('09:59')) });
    expect(tap(revoked, 'gate-b-in', 'BB02', t('10:00')).decision).toMatchObject({ outcome: 'denied', code: 'CREDENTIAL_REVOKED' });
    const pin = run(s, { type: 'credential-presented', readerId: 'gate-b-in', doorId: 'gate-b', credential: { kind: 'pin', pin: '4711' }, at: t('10:00') });
    expect(pin.decision).toMatchObject({ outcome: 'granted', credentialId: 'c-vp-pin' });
    expect(JSON.stringify(pin.effects)).not.toContain('4711');
  });

  it('refuses a card tapped again from the side its owner has left (anti-passback)', () => {
    const s = pass(demoDay(), 'gate-b-in', 'BB02', t('10:00'));
    const r = tap(s, 'gate-b-in', 'BB02', t('10:01'));
    expect(r.decision).toMatchObject({ outcome: 'denied', code: 'ANTI_PASSBACK' });
    expect(r.decision.reason).toContain('Street');
  });

  it('denies a reader that is not on the named door', () => {
    const r = run(demoDay(), { type: 'credential-presented', readerId: 'gate-a-in', doorId: 'gate-b', credential: { kind: 'card', id: 'BB02' }, at: t('10:00') });
    expect(r.decision).toMatchObject({ outcome: 'denied', code: 'UNKNOWN_READER' });
    expect(r.effects.some((e) => e.type === 'door' && e.command.type === 'unlock')).toBe(false);
  });
});

/** The visiting parent in the corridor, the resident parent in waiting room A. */
function apart() {
  let s = demoDay();
  s = confirm(s, 'vp-1', 'corridor', t('10:20'));
  s = confirm(s, 'rp-1', 'waiting-a', t('10:20'));
  s = confirm(s, 'st-1', 'waiting-a', t('10:20'));
  return s;
}

describe('decide: keep-apart holds', () => {
  it('holds the staff card at the corridor door while the other parent could be on the other side', () => {
    const r = tap(apart(), 'corridor-a-in', 'DD04', t('10:25'));
    expect(r.decision).toMatchObject({ outcome: 'held', code: 'KEEP_APART_HOLD' });
    expect(r.decision.reason).toBe('Please wait: R.P. and V.P. could meet in Corridor or Waiting room A. Reception has been told.');
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'notify-reception', kind: 'hold', doorId: 'corridor-a' }));
    expect(r.effects.some((e) => e.type === 'door' && e.command.type === 'unlock')).toBe(false);
  });

  it('lets staff through once the other parent is confirmed in the room, and then everyone behind could have followed', () => {
    let s = confirm(apart(), 'vp-1', 'room-2', t('10:24'));
    s = pass(s, 'corridor-a-in', 'DD04', t('10:25'));
    // Tailgating is invisible: the resident parent (and the child) could now be in the corridor.
    expect(zones(s, 'rp-1')).toEqual(['corridor', 'waiting-a']);
    expect(zones(s, 'st-1')).toEqual(['corridor']);
    // So the room door is held until reception confirms the resident parent stayed behind.
    expect(tap(s, 'room-2-in', 'DD04', t('10:26')).decision.code).toBe('KEEP_APART_HOLD');
    s = confirm(s, 'rp-1', 'waiting-a', t('10:27'));
    expect(tap(s, 'room-2-in', 'DD04', t('10:27')).decision.outcome).toBe('granted');
  });

  it('holds a reception release into a meeting; an override needs a second, senior person, and is alerted', () => {
    const s = apart();
    const release = run(s, { type: 'reception-release', doorId: 'corridor-a', staffId: 'st-1', reason: 'forgotten card', at: t('10:25') });
    expect(release.decision).toMatchObject({ outcome: 'held', code: 'KEEP_APART_HOLD' });
    expect(release.decision.reason).toContain('R.P. and V.P. could meet in Corridor');
    const alone = run(s, { type: 'reception-override', doorId: 'corridor-a', staffId: 'st-1', managerId: 'st-1', reason: 'x', at: t('10:25') });
    expect(alone.decision).toMatchObject({ outcome: 'denied', code: 'MANAGER_REQUIRED' });
    const junior = run(s, { type: 'reception-override', doorId: 'corridor-a', staffId: 'st-1', managerId: 'rc-2', reason: 'x', at: t('10:25') });
    expect(junior.decision.code).toBe('MANAGER_REQUIRED');
    const ok = run(s, { type: 'reception-override', doorId: 'corridor-a', staffId: 'st-1', managerId: 'mg-1', reason: 'fire drill', at: t('10:25') });
    expect(ok.decision).toMatchObject({ outcome: 'granted', code: 'MANAGER_OVERRIDE', actorIds: ['st-1', 'mg-1'] });
    expect(ok.effects).toContainEqual(expect.objectContaining({ type: 'alert', kind: 'override', severity: 'critical' }));
  });

  it('releases a door for a person with a forgotten card when it is safe', () => {
    const r = run(demoDay(), { type: 'reception-release', doorId: 'gate-b', staffId: 'st-1', reason: 'forgotten card', personId: 'vp-1', towards: 'carpark-b', at: t('10:00') });
    expect(r.decision).toMatchObject({ outcome: 'granted', code: 'RECEPTION_RELEASE', personId: 'vp-1' });
    const opened = run(r.state, { type: 'door-contact', doorId: 'gate-b', open: true, at: t('10:00') + 500 });
    const closed = run(opened.state, { type: 'door-contact', doorId: 'gate-b', open: false, at: t('10:00') + 2000 });
    expect(zones(closed.state, 'vp-1')).toEqual(['carpark-b']);
  });

  it('alerts when a forced door could let a pair meet', () => {
    const s = confirm(confirm(demoDay(), 'vp-1', 'corridor', t('10:20')), 'rp-1', 'waiting-a', t('10:20'));
    const r = run(s, { type: 'door-contact', doorId: 'corridor-a', open: true, at: t('10:21') });
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'alert', kind: 'door-forced', severity: 'critical' }));
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'alert', kind: 'possible-meeting', severity: 'critical' }));
    expect(zones(r.state, 'rp-1')).toEqual(['corridor', 'waiting-a']);
  });
});

describe('decide: door commands that did not take effect', () => {
  const unlockOf = (r: ReturnType<typeof tap>) => {
    const e = r.effects.find((x) => x.type === 'door' && x.command.type === 'unlock');
    if (e?.type !== 'door' || e.command.type !== 'unlock') throw new Error('no unlock');
    return e.command;
  };
  const failed = (commandId: string, failure: CommandFailure, at: number, over: Partial<Extract<DeviceEvent, { type: 'door-command-failed' }>> = {}) =>
    ({ type: 'door-command-failed', deviceId: 'ctl-b', command: 'unlock', commandId, doorId: 'gate-b', failure, at, ...over }) as const;

  it('tells reception an unlock was refused, and ends the release so that opening the door reads as forced', () => {
    const granted = tap(demoDay(), 'gate-b-in', 'BB02', t('10:00'));
    const { commandId } = unlockOf(granted);
    const r = run(granted.state, failed(commandId, 'refused', t('10:00') + 50));
    expect(r.effects).toEqual([
      { type: 'alert', kind: 'door-command-failed', severity: 'warning', doorId: 'gate-b', text: expect.stringMatching(/^Car park gate B did not unlock: the controller refused the command\. If someone is waiting there/) },
      expect.objectContaining({ type: 'audit' }),
    ]);
    expect(r.decision).toMatchObject({ outcome: 'recorded', doorId: 'gate-b' });
    expect(r.state.doors['gate-b']).toMatchObject({ unlockedUntil: t('10:00') + 50, pending: undefined });
    const opened = run(r.state, { type: 'door-contact', doorId: 'gate-b', open: true, at: t('10:00') + 500 });
    expect(opened.effects).toContainEqual(expect.objectContaining({ type: 'alert', kind: 'door-forced' }));
  });

  it('leaves the release of an unconfirmed unlock, and of an unlock that an older failure does not name', () => {
    const granted = tap(demoDay(), 'gate-b-in', 'BB02', t('10:00'));
    const { commandId } = unlockOf(granted);
    const unconfirmed = run(granted.state, failed(commandId, 'no-ack', t('10:00') + 50));
    expect(unconfirmed.effects[0]).toMatchObject({ kind: 'door-command-failed', text: expect.stringContaining('may not have unlocked: the controller did not confirm') });
    expect(unconfirmed.state.doors['gate-b']).toEqual(granted.state.doors['gate-b']);
    const older = run(granted.state, failed('an-earlier-unlock', 'refused-expired', t('10:00') + 50));
    expect(older.effects[0]).toMatchObject({ text: expect.stringContaining('got the command too late') });
    expect(older.state.doors['gate-b']).toEqual(granted.state.doors['gate-b']);
  });

  it('raises a critical alert for a controller that may not be locked down, a warning for a lock', () => {
    const lockdown = run(demoDay(), failed('ld-ctl-b', 'no-ack', t('10:00'), { command: 'lockdown', active: true, doorId: undefined }));
    expect(lockdown.effects[0]).toMatchObject({ type: 'alert', kind: 'door-command-failed', severity: 'critical', text: expect.stringContaining('Controller ctl-b may not be locked down') });
    const lock = run(demoDay(), failed('l-1', 'not-sent', t('10:00'), { command: 'lock' }));
    expect(lock.effects[0]).toMatchObject({ severity: 'warning', doorId: 'gate-b', text: expect.stringContaining('may still be unlocked: contactd could not send') });
  });
});

describe('decide: lockdown, schedules, released departures', () => {
  it('lets any staff member start a lockdown, only a manager lift it, and admits staff only meanwhile', () => {
    expect(run(demoDay(), { type: 'lockdown', active: true, managerId: 'nobody', reason: 'x', at: t('10:00') }).decision.code).toBe('NOT_AUTHORISED');
    const byReception = run(demoDay(), { type: 'lockdown', active: true, managerId: 'st-1', reason: 'intruder', at: t('09:58') });
    expect(byReception.decision.code).toBe('LOCKDOWN_CHANGED');
    expect(run(byReception.state, { type: 'lockdown', active: false, managerId: 'st-1', reason: 'x', at: t('09:59') }).decision.code).toBe('MANAGER_REQUIRED');
    expect(run(byReception.state, { type: 'lockdown-input', sourceId: 'key-switch', active: false, at: t('09:59') }).state.lockdown).toBe(true);
    expect(run(byReception.state, { type: 'lockdown', active: false, managerId: 'mg-1', reason: 'all clear', at: t('09:59') }).state.lockdown).toBe(false);
    const l = run(demoDay(), { type: 'lockdown', active: true, managerId: 'mg-1', reason: 'intruder', at: t('09:59') });
    expect(l.effects).toContainEqual(expect.objectContaining({ type: 'door', command: expect.objectContaining({ type: 'lockdown', active: true }) }));
    expect(tap(l.state, 'gate-b-in', 'BB02', t('10:00')).decision).toMatchObject({ outcome: 'denied', code: 'LOCKDOWN' });
    expect(tap(l.state, 'staff-in', 'DD04', t('10:00')).decision).toMatchObject({ outcome: 'granted', code: 'STAFF' });
    expect(run(l.state, { type: 'reception-release', doorId: 'gate-b', staffId: 'st-1', reason: 'x', at: t('10:00') }).decision.code).toBe('LOCKDOWN');
  });

  it('checks a staff schedule in local time', () => {
    expect(tap(demoDay(), 'staff-in', 'DD04', t('16:59')).decision.code).toBe('STAFF');
    expect(tap(demoDay(), 'staff-in', 'DD04', t('17:00')).decision).toMatchObject({ outcome: 'denied', code: 'OUTSIDE_SCHEDULE' });
  });

  it('releases the visiting parent only once the resident parent has left plus the gap, with a countdown for reception', () => {
    let s = confirm(demoDay(), 'rp-1', 'carpark-a', t('12:35'));
    s = confirm(s, 'vp-1', 'waiting-b', t('12:35'));
    const before = tap(s, 'waiting-b-out', 'BB02', t('12:46'));
    expect(before.decision).toMatchObject({ outcome: 'held', code: 'WAIT_FOR_RELEASE' });
    const left = tap(s, 'gate-a-out', 'AA01', t('12:40'));
    expect(left.decision.outcome).toBe('granted');
    const opened = run(left.state, { type: 'door-contact', doorId: 'gate-a', open: true, at: t('12:40') + 1000 });
    const closed = run(opened.state, { type: 'door-contact', doorId: 'gate-a', open: false, at: t('12:40') + 2000 });
    expect(closed.effects).toContainEqual(expect.objectContaining({ type: 'notify-reception', kind: 'release-countdown', personId: 'vp-1', until: t('12:55') + 2000 }));
    const wait = tap(closed.state, 'waiting-b-out', 'BB02', t('12:50'));
    expect(wait.decision).toMatchObject({ outcome: 'held', code: 'WAIT_FOR_RELEASE', reason: 'Please wait until 12:55 to leave.' });
    expect(tap(closed.state, 'waiting-b-out', 'BB02', t('12:56')).decision).toMatchObject({ outcome: 'granted', code: 'MOVEMENT' });
  });

  it('records every input with a reason, including events that ask for nothing', () => {
    const r = run(demoDay(), { type: 'tamper', deviceId: 'gate-a', doorId: 'gate-a', active: true, at: t('10:00') });
    expect(r.decision).toMatchObject({ outcome: 'recorded' });
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'alert', kind: 'tamper' }));
    expect(r.effects.at(-1)!.type).toBe('audit');
  });
});
