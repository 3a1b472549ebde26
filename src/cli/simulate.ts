/**
 * `contactd simulate`: whole centre days against the real daemon in accelerated time
 * (simulators/centre). Prints a table, or one JSON object with --json. Exit 1 when the
 * ground truth saw a keep-apart pair in the same place, or the audit chain broke.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { hashPassword } from '../auth/passwords.js';
import { resolveConfigPath } from '../config/load.js';
import { ContactdError, ErrorCodes } from '../errors.js';
import { simulate } from '../../simulators/centre/simulate.js';
import { formatReport } from '../../simulators/centre/report.js';
import type { FaultMode } from '../../simulators/centre/faults.js';

export interface SimulateCliOptions {
  days: string;
  seed: string;
  speed?: string;
  json?: boolean;
  config?: string;
  faults: string;
  serve?: boolean;
  port?: string;
  startDate?: string;
}

export async function simulateCommand(opts: SimulateCliOptions): Promise<number> {
  const days = positiveInt('--days', opts.days);
  const seed = positiveInt('--seed', opts.seed, 0);
  const speed = opts.speed === undefined ? undefined : Number(opts.speed);
  if (speed !== undefined && !(speed > 0)) throw usage('--speed must be a positive number (simulated seconds per real second)');
  if (!['random', 'all', 'none'].includes(opts.faults)) throw usage('--faults must be random, all or none');
  if (opts.startDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.startDate)) throw usage('--start-date must be YYYY-MM-DD');
  const logger = pino({ level: process.env.CONTACTD_LOG_LEVEL ?? 'silent' });
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const report = await simulate({
    days,
    seed,
    ...(speed !== undefined ? { speed } : {}),
    ...(opts.startDate ? { startDate: opts.startDate } : {}),
    configFile: resolveConfigPath(opts.config, process.env),
    logger,
    faults: opts.faults as FaultMode,
    ...(opts.serve ? { httpPort: opts.port === undefined ? 8080 : positiveInt('--port', opts.port, 0) } : {}),
    // Progress goes to stderr, so stdout stays one JSON object with --json.
    onProgress: progress,
    onStarted: async (rig) => {
      if (!opts.serve) return;
      // The run's database is temporary: a manager account with a one-off password lets you watch and act.
      const password = randomBytes(12).toString('base64url');
      rig.daemon.services.store.users.create({ username: 'demo', role: 'manager', passwordHash: await hashPassword(password) });
      progress(`dashboard: ${rig.daemon.url}  (sign in as demo / ${password}; this account lives only as long as the simulation)`);
    },
  });
  process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.keepApartIncidents === 0 && report.auditChainOk ? 0 : 1;
}

function positiveInt(name: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usage(`${name} must be an integer of at least ${min}`);
  return n;
}

function usage(message: string): ContactdError {
  return new ContactdError(ErrorCodes.CONFIG_INVALID, message);
}
