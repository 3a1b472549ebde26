/** `contactd audit verify`: walk the hash chain. */
import { systemClock } from '../clock.js';
import { openStore } from '../store/store.js';
import { loadCliConfig } from './config.js';

export async function auditVerifyCommand(opts: { config?: string }): Promise<number> {
  const { config } = loadCliConfig(opts);
  const store = openStore(config.settings.dataDir, systemClock);
  try {
    const result = store.audit.verify();
    if (result.ok) {
      process.stdout.write(`audit chain ok: ${result.count} records\n`);
      return 0;
    }
    process.stdout.write(`audit chain BROKEN at record ${result.brokenSeq}: ${result.reason} (${result.count} records verified before it)\n`);
    return 1;
  } finally {
    store.close();
  }
}
