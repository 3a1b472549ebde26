/** `contactd migrate`: bring the database schema up to date. */
import { migrate, openDatabase } from '../store/db.js';
import { loadCliConfig } from './config.js';

export async function migrateCommand(opts: { config?: string }): Promise<number> {
  const { config } = loadCliConfig(opts);
  const db = openDatabase(config.settings.dataDir);
  try {
    const result = migrate(db);
    if (result.applied.length === 0) {
      process.stdout.write(`database is up to date (schema version ${result.to})\n`);
    } else {
      process.stdout.write(`migrated schema ${result.from} -> ${result.to}:\n${result.applied.map((a) => `  ${a}\n`).join('')}`);
    }
    return 0;
  } finally {
    db.close();
  }
}
