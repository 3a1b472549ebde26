/**
 * A real daemon (embedded broker on a random port, MQTT driver, access core, alerts) on a
 * temp data dir, driven by a ManualClock, with a booked supervised visit and simulated
 * controllers for every MQTT door of the demo centre.
 */
import { pino } from 'pino';
import type { ManualClock } from '../../src/clock.js';
import type { Config } from '../../src/config/schema.js';
import { startDaemon, type RunningDaemon } from '../../src/daemon.js';
import type { Person } from '../../src/domain/model.js';
import type { BookingView } from '../../src/services/bookings.js';
import { startSiteSimulators, type SiteSimulators } from '../../simulators/mqtt-door/site.js';
import { testConfig } from './config.js';
import { tempDir } from './tmp.js';
import { lowRiskCase } from './cases.js';

export const MIN = 60_000;
export const START = Date.parse('2026-11-28T10:30:00Z');

export interface BookedDay {
  daemon: RunningDaemon;
  sims: SiteSimulators;
  config: Readonly<Config>;
  booking: BookingView;
  resident: Person;
  visiting: Person;
  staff: Person;
  window(personId: string, doorId: string): BookingView['movements'][number];
}

export async function bookedDay(clock: ManualClock, opts: { dataDir?: string } = {}): Promise<BookedDay> {
  const config = testConfig(opts.dataDir ?? tempDir(), (raw) => {
    raw.settings.mqtt.embeddedPort = 0;
  });
  const daemon = await startDaemon({ config, configFile: 'test', clock, logger: pino({ level: 'silent' }) });
  const { store, bookings } = daemon.services;
  const person = (kind: 'child' | 'adult' | 'staff', fullName: string) => store.people.create({ kind, fullName });
  const child = person('child', 'Cara Child');
  const resident = person('adult', 'Rita Resident');
  const visiting = person('adult', 'Victor Visiting');
  const supervisor = person('staff', 'Sue Supervisor');
  const staff = person('staff', 'Sam Staff');
  for (const kind of ['safeguarding', 'domestic-abuse'] as const) store.training.add({ staffId: supervisor.id, kind, completedOn: '2026-01-01', expiresOn: '2027-06-01' });
  const caseRecord = lowRiskCase(store, 'E2E-1', 'Family E2E');
  const booking = bookings.create(
    {
      caseId: caseRecord.id,
      roomId: 'room-2',
      serviceType: 'supervised',
      start: START,
      end: START + 90 * MIN,
      supervisorId: supervisor.id,
      participants: [
        { personId: child.id, role: 'child' },
        { personId: resident.id, role: 'resident-parent' },
        { personId: visiting.id, role: 'visiting-parent' },
      ],
    },
    'test',
  );
  bookings.issueVisitorCredential(booking.id, { personId: visiting.id, kind: 'card', value: 'c0ffee01' }, 'test');
  bookings.issueVisitorCredential(booking.id, { personId: resident.id, kind: 'card', value: 'a1b2c3d4' }, 'test');
  bookings.issueStaffCredential(staff.id, { kind: 'card', value: '5af00001' }, 'test');
  const sims = await startSiteSimulators({ config, url: daemon.hardware.brokerUrl()!, clock });
  const window = (personId: string, doorId: string) => booking.movements.find((m) => m.personId === personId && m.doorId === doorId && m.purpose === 'arrival')!;
  return { daemon, sims, config, booking, resident, visiting, staff, window };
}

export async function stopDay(day: BookedDay | undefined): Promise<void> {
  await day?.sims.stop();
  await day?.daemon.stop();
}

/** The latest access decision at one door (other doors and devices keep deciding meanwhile). */
export const lastDecision = (d: RunningDaemon, doorId: string) => d.services.store.decisions.list({ doorId, limit: 1 })[0];

/** Polls `fn` (real time) until it returns something truthy. */
export async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
