/** `contactd user add NAME --role ROLE [--password-stdin]`. */
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { hashPassword, passwordProblem } from '../auth/passwords.js';
import { systemClock } from '../clock.js';
import { ContactdError, ErrorCodes } from '../errors.js';
import type { StaffRole } from '../domain/model.js';
import { openStore } from '../store/store.js';
import { loadCliConfig } from './config.js';

export async function userAddCommand(name: string, opts: { role: string; passwordStdin?: boolean; config?: string }): Promise<number> {
  const { config } = loadCliConfig(opts);
  if (!/^[A-Za-z0-9._-]{2,64}$/.test(name)) {
    throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'user names are 2-64 letters, digits, dots, dashes or underscores');
  }
  const password = opts.passwordStdin ? await readFirstLine(process.stdin) : await promptTwice();
  const problem = passwordProblem(password);
  if (problem) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, problem);
  const store = openStore(config.settings.dataDir, systemClock);
  try {
    if (store.users.findForLogin(name)) throw new ContactdError(ErrorCodes.CONFLICT, `user ${name} already exists`);
    const user = store.users.create({ username: name, role: opts.role as StaffRole, passwordHash: await hashPassword(password) });
    store.audit.append({ actor: `cli:${safeOsUser()}`, action: 'user.create', subject: `user:${user.username}`, details: { role: user.role } });
    process.stdout.write(`created user ${user.username} with role ${user.role}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      data += chunk;
    });
    stream.on('end', () => resolve(data.split(/\r?\n/)[0] ?? ''));
    stream.on('error', reject);
  });
}

async function promptTwice(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new ContactdError(ErrorCodes.BAD_REQUEST, 'no terminal to ask for the password: use --password-stdin');
  }
  const first = await promptHidden('Password: ');
  const second = await promptHidden('Repeat password: ');
  if (first !== second) throw new ContactdError(ErrorCodes.VALIDATION_FAILED, 'the two passwords differ');
  return first;
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const output = rl as unknown as { _writeToOutput: (s: string) => void };
    process.stdout.write(question);
    output._writeToOutput = () => undefined;
    rl.question('', (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}
