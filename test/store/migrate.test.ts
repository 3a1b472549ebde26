import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/store/db.js';
import { migrations } from '../../src/store/migrations.js';
import { removeTempDirs, tempDir } from '../helpers/tmp.js';

afterAll(removeTempDirs);

describe('migrations', () => {
  it('apply once, in WAL mode, and are idempotent', () => {
    const db = openDatabase(tempDir());
    const first = migrate(db);
    expect(first.from).toBe(0);
    expect(first.applied).toHaveLength(migrations.length);
    expect(migrate(db).applied).toEqual([]);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuse a database newer than the code', () => {
    const db = openDatabase(tempDir());
    migrate(db);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('future', 'x');
    expect(() => migrate(db)).toThrow(/newer than this contactd knows/);
    db.close();
  });
});
