import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/log.js';
import { ManualClock } from '../../src/clock.js';
import { migrate, openDatabaseFile } from '../../src/store/db.js';


function freshLog() {
  const db = openDatabaseFile(':memory:');
  migrate(db);
  const clock = new ManualClock(1_700_000_000_000);
  return { db, clock, log: new AuditLog(db, clock) };
}

function fill(log: AuditLog, clock: ManualClock, n: number) {
  for (let i = 0; i < n; i++) {
    clock.advance(1000);
    log.append({ actor: 'user:ann', action: 'door.release', subject: `door:front-${i}`, details: { reason: `visitor ${i}` } });
  }
}

describe('audit chain', () => {
  it('links each record to the one before and verifies', () => {
    const { log, clock } = freshLog();
    fill(log, clock, 5);
    const records = log.list({ limit: 10 }).reverse();
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < records.length; i++) expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
    expect(log.verify()).toEqual({ ok: true, count: 5 });
  });

  it('refuses updates and deletes through SQL', () => {
    const { db, log, clock } = freshLog();
    fill(log, clock, 2);
    expect(() => db.prepare("UPDATE audit SET actor = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('names the first edited record when the triggers are bypassed', () => {
    const { db, log, clock } = freshLog();
    fill(log, clock, 6);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare(`UPDATE audit SET details_json = '{"reason":"nothing to see"}' WHERE seq = 4`).run();
    expect(log.verify()).toMatchObject({ ok: false, brokenSeq: 4, count: 3 });
  });

  it('detects a removed record and a re-hashed forgery', () => {
    const { db, log, clock } = freshLog();
    fill(log, clock, 5);
    db.exec('DROP TRIGGER audit_no_delete; DROP TRIGGER audit_no_update');
    db.prepare('DELETE FROM audit WHERE seq = 2').run();
    expect(log.verify()).toMatchObject({ ok: false, brokenSeq: 2 });

    const other = freshLog();
    fill(other.log, other.clock, 5);
    other.db.exec('DROP TRIGGER audit_no_update');
    // A forger who recomputes the edited record's own hash still breaks the link of the next one.
    other.db.prepare("UPDATE audit SET actor = 'user:mallory', hash = 'f00d' WHERE seq = 3").run();
    expect(other.log.verify()).toMatchObject({ ok: false, brokenSeq: 3 });
  });
});
