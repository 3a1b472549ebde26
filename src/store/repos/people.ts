/** People: children, parents/carers and other adults, and staff. */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db.js';
import type { Person, PersonKind } from '../../domain/model.js';

interface Row {
  id: string;
  kind: PersonKind;
  full_name: string;
  initials: string;
}

const toPerson = (r: Row): Person => ({ id: r.id, kind: r.kind, fullName: r.full_name, initials: r.initials });

export function initialsOf(fullName: string): string {
  return fullName
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase())
    .join('')
    .slice(0, 4);
}

export function peopleRepo(db: Db, now: () => number) {
  return {
    create(input: { kind: PersonKind; fullName: string; initials?: string }): Person {
      const person: Person = {
        id: randomUUID(),
        kind: input.kind,
        fullName: input.fullName,
        initials: input.initials ?? initialsOf(input.fullName),
      };
      db.prepare('INSERT INTO people (id, kind, full_name, initials, created_at) VALUES (?, ?, ?, ?, ?)').run(
        person.id,
        person.kind,
        person.fullName,
        person.initials,
        now(),
      );
      return person;
    },
    get(id: string): Person | undefined {
      const row = db.prepare('SELECT * FROM people WHERE id = ?').get(id) as Row | undefined;
      return row && toPerson(row);
    },
    getMany(ids: readonly string[]): Person[] {
      if (ids.length === 0) return [];
      const rows = db.prepare(`SELECT * FROM people WHERE id IN (${ids.map(() => '?').join(',')})`).all(...ids) as Row[];
      return rows.map(toPerson);
    },
    list(opts: { kind?: PersonKind } = {}): Person[] {
      const rows = db
        .prepare('SELECT * FROM people WHERE (? IS NULL OR kind = ?) ORDER BY full_name')
        .all(opts.kind ?? null, opts.kind ?? null) as Row[];
      return rows.map(toPerson);
    },
  };
}

export type PeopleRepo = ReturnType<typeof peopleRepo>;
