/** Runs a CLI command: prints ContactdErrors plainly and sets the exit code. */
import { ContactdError, ErrorCodes } from '../errors.js';

export async function runCli(command: () => Promise<number | void>): Promise<void> {
  try {
    const code = await command();
    if (typeof code === 'number') process.exitCode = code;
  } catch (e) {
    if (e instanceof ContactdError) {
      process.stderr.write(`contactd: ${e.message}\n`);
      process.exitCode = e.code === ErrorCodes.CONFIG_INVALID || e.code === ErrorCodes.CONFIG_UNREADABLE ? 2 : 1;
      return;
    }
    process.stderr.write(`contactd: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
