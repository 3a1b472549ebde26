#!/usr/bin/env node
/**
 * The `contactd` command: start the daemon, migrate the database, add users, verify
 * the audit chain. Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad config.
 */
import { Command, Option } from 'commander';
import { ROLES } from '../auth/roles.js';
import { auditVerifyCommand } from './audit-verify.js';
import { registerExportCommands } from './export.js';
import { migrateCommand } from './migrate.js';
import { simulateCommand, type SimulateCliOptions } from './simulate.js';
import { startCommand } from './start.js';
import { userAddCommand } from './user-add.js';
import { runCli } from './run.js';

const program = new Command()
  .name('contactd')
  .description('Access control and CCTV daemon for a child contact centre')
  .showHelpAfterError();

const configOption = () =>
  new Option('-c, --config <file>', 'configuration file (default: $CONTACTD_CONFIG or config/default.json)');

program
  .command('start')
  .description('run the daemon: doors, cameras, recorder and the reception dashboard')
  .addOption(configOption())
  .action((opts: { config?: string }) => runCli(() => startCommand(opts)));

program
  .command('migrate')
  .description('apply pending database migrations and exit (start does this too)')
  .addOption(configOption())
  .action((opts: { config?: string }) => runCli(() => migrateCommand(opts)));

const user = program.command('user').description('manage user accounts');
user
  .command('add <name>')
  .description('create a user account; the password is asked for, or read from stdin')
  .addOption(new Option('-r, --role <role>', 'what the user may do').choices(ROLES).makeOptionMandatory())
  .option('--password-stdin', 'read the password from the first line of standard input')
  .addOption(configOption())
  .action((name: string, opts: { role: string; passwordStdin?: boolean; config?: string }) =>
    runCli(() => userAddCommand(name, opts)),
  );

program
  .command('simulate')
  .description('run whole centre days against a real daemon on a simulated clock, through the device simulators, and report')
  .option('-d, --days <n>', 'days to simulate', '1')
  .option('-s, --seed <n>', 'random seed (same seed, same bookings and behaviour)', '1')
  .option('--speed <x>', 'simulated seconds per real second (default: as fast as possible)')
  .option('--json', 'print the report as one JSON object')
  .option('--faults <mode>', 'hardware faults: random, all (each kind every day) or none', 'random')
  .option('--start-date <date>', 'first simulated day (YYYY-MM-DD, local)')
  .option('--serve', 'keep the API and dashboard up while simulating (port 8080 or --port)')
  .option('--port <n>', 'HTTP port with --serve')
  .addOption(configOption())
  .action((opts: SimulateCliOptions) => runCli(() => simulateCommand(opts)));

const audit = program.command('audit').description('the hash-chained audit log');
audit
  .command('verify')
  .description('check every record of the audit chain; exit 1 naming the first broken record')
  .addOption(configOption())
  .action((opts: { config?: string }) => runCli(() => auditVerifyCommand(opts)));

registerExportCommands(program, configOption);

await program.parseAsync(process.argv);
