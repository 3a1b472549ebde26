/**
 * `contactd export visit ID --out DIR` and `contactd export verify DIR`: a visit's
 * footage as one MP4 per camera plus a signed manifest, and the check that nothing in
 * such a folder changed. Exports are audited.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { createPublicKey } from 'node:crypto';
import type { Command, Option } from 'commander';
import { systemClock } from '../clock.js';
import { exportVisit } from '../footage/export.js';
import { loadOrCreateSigningKey, publicKeyFingerprint, SIGNING_KEY_FILE, verifyExportDir } from '../footage/manifest.js';
import { footageRepo } from '../store/repos/footage.js';
import { openStore } from '../store/store.js';
import { loadCliConfig } from './config.js';
import { runCli } from './run.js';

export async function exportVisitCommand(bookingId: string, opts: { out: string; config?: string; signOff?: string }): Promise<number> {
  const { config } = loadCliConfig(opts);
  const store = openStore(config.settings.dataDir, systemClock);
  try {
    const manifest = await exportVisit(
      { store, footage: footageRepo(store.db, () => systemClock.now()), site: config.site, clock: systemClock, dataDir: config.settings.dataDir },
      { bookingId, outDir: path.resolve(opts.out), actor: `cli:${userInfo().username}`, ...(opts.signOff ? { signOffBy: opts.signOff } : {}) },
    );
    process.stdout.write(`exported booking ${bookingId} to ${opts.out}: ${manifest.files.map((f) => f.file).join(', ')}\n`);
    process.stdout.write(`signed with key ${manifest.signature.keyFingerprint}\n`);
    return 0;
  } finally {
    store.close();
  }
}

/** The centre's key fingerprint, when this machine holds the key (so a re-signed export is caught). */
function localFingerprint(opts: { config?: string }): string | undefined {
  try {
    const { config } = loadCliConfig(opts);
    if (!existsSync(path.join(config.settings.dataDir, SIGNING_KEY_FILE))) return undefined;
    const der = createPublicKey(loadOrCreateSigningKey(config.settings.dataDir)).export({ type: 'spki', format: 'der' });
    return publicKeyFingerprint(der);
  } catch {
    return undefined;
  }
}

export async function exportVerifyCommand(dir: string, opts: { config?: string; key?: string }): Promise<number> {
  const trusted = opts.key ?? localFingerprint(opts);
  const report = await verifyExportDir(path.resolve(dir), trusted);
  if (report.ok) {
    process.stdout.write(`export ok: signature and every file verified (key ${report.keyFingerprint}${trusted ? ', this centre\'s key' : ', key not checked against a trusted fingerprint'})\n`);
    return 0;
  }
  process.stdout.write(`export NOT intact:\n${report.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  return 1;
}

/** Adds `export visit` and `export verify` to the contactd program. */
export function registerExportCommands(program: Command, configOption: () => Option): void {
  const exp = program.command('export').description("a visit's footage, signed, and the check of an export folder");
  exp
    .command('visit <bookingId>')
    .description('one MP4 per camera (stream copy) plus a signed manifest')
    .requiredOption('-o, --out <dir>', 'empty or new folder to write to')
    .option('--sign-off <name>', "safeguarding lead signing off a shared-room export (other families appear)")
    .addOption(configOption())
    .action((bookingId: string, opts: { out: string; config?: string; signOff?: string }) => runCli(() => exportVisitCommand(bookingId, opts)));
  exp
    .command('verify <dir>')
    .description('check the signature and every file of an export; exit 1 naming what changed')
    .option('--key <fingerprint>', "the centre's key fingerprint (SHA256:...) when checking away from the centre")
    .addOption(configOption())
    .action((dir: string, opts: { config?: string; key?: string }) => runCli(() => exportVerifyCommand(dir, opts)));
}
