/** The store: one database, one repository per aggregate, and the audit log. */
import type { Clock } from '../clock.js';
import { AuditLog } from '../audit/log.js';
import { migrate, openDatabase, type Db } from './db.js';
import { accessStateRepo } from './repos/access-state.js';
import { alertsRepo } from './repos/alerts.js';
import { bookingsRepo } from './repos/bookings.js';
import { casesRepo } from './repos/cases.js';
import { credentialsRepo } from './repos/credentials.js';
import { decisionsRepo } from './repos/decisions.js';
import { peopleRepo } from './repos/people.js';
import { siteRepo } from './repos/site.js';
import { trainingRepo } from './repos/training.js';
import { sessionsRepo, usersRepo } from './repos/users.js';

export function createStore(db: Db, clock: Clock) {
  const now = () => clock.now();
  return {
    db,
    audit: new AuditLog(db, clock),
    site: siteRepo(db, now),
    people: peopleRepo(db, now),
    cases: casesRepo(db, now),
    training: trainingRepo(db),
    bookings: bookingsRepo(db, now),
    credentials: credentialsRepo(db, now),
    decisions: decisionsRepo(db),
    accessState: accessStateRepo(db),
    alerts: alertsRepo(db),
    users: usersRepo(db, now),
    sessions: sessionsRepo(db),
    close: () => db.close(),
  };
}

export type Store = ReturnType<typeof createStore>;

/** Opens the data dir's database, migrates it, and returns the store. */
export function openStore(dataDir: string, clock: Clock): Store {
  const db = openDatabase(dataDir);
  migrate(db);
  return createStore(db, clock);
}
