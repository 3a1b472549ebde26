/**
 * Shared pieces of the fault drills: a demo-centre config file for a daemon child process
 * (external broker, no in-process simulators), staff with cards made straight in the store
 * (staff cards open any door at any time, so the drills need no booking windows on the
 * system clock), and a helper that waits on a condition in real time.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../src/clock.js';
import { openStore } from '../../src/store/store.js';
import { rawDefaultConfig } from '../helpers/config.js';

export function drillConfigFile(dir: string, over: { brokerUrl: string; serialPath?: string }): string {
  const raw = rawDefaultConfig() as any;
  raw.settings.dataDir = path.join(dir, 'data');
  raw.settings.http.port = 0;
  raw.settings.mqtt = { ...raw.settings.mqtt, url: over.brokerUrl };
  raw.settings.simulators.enabled = false;
  raw.settings.logLevel = 'info';
  if (over.serialPath) raw.settings.serial.buses[0].path = over.serialPath;
  const file = path.join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

/** Creates `count` staff members with cards `5af0000N` in the data dir; returns the card ids. */
export function seedStaffCards(dataDir: string, count: number): string[] {
  const store = openStore(dataDir, systemClock);
  try {
    const cards: string[] = [];
    for (let i = 1; i <= count; i++) {
      const person = store.people.create({ kind: 'staff', fullName: `Staff Member ${i}` });
      const value = `5af${String(i).padStart(5, '0')}`;
      store.credentials.issue({ personId: person.id, kind: 'card', value });
      cards.push(value);
    }
    return cards;
  } finally {
    store.close();
  }
}

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
