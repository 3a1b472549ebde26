/**
 * Runs simulated OSDP PDs on a serial port, for demos against the real serial path:
 *   npx tsx simulators/osdp/cli.ts --addresses 1,2 --pty        (socat pty pair; prints the CP path)
 *   npx tsx simulators/osdp/cli.ts --addresses 1 --path /dev/ttyUSB1 --baud 9600
 * Options: --scbk <32 hex> (secure channel key), --install (accept SCBK-D and KEYSET).
 * Then type script lines on stdin (see script.ts), e.g. `card 1 h10301 12 3456`.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/clock.js';
import { serialPortFactory } from '../../devices/osdp/port.js';
import { openPtyPair } from './pty.js';
import { runSimScript } from './script.js';
import { SimulatedOsdpBus } from './sim-bus.js';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const addresses = (option('addresses') ?? '1').split(',').map(Number);
  const scbkHex = option('scbk');
  const secure = { ...(scbkHex ? { scbk: Uint8Array.from(Buffer.from(scbkHex, 'hex')) } : {}), installMode: process.argv.includes('--install') };
  const bus = new SimulatedOsdpBus('cli', systemClock, addresses.map((address) => ({ address, secure })));
  let path = option('path');
  let closePty: (() => Promise<void>) | undefined;
  if (process.argv.includes('--pty')) {
    const pty = await openPtyPair();
    path = pty.b;
    closePty = pty.close;
    console.log(`CP side: ${pty.a}  (put this path in settings.serial.buses)`);
  }
  if (!path) throw new Error('give --pty or --path <device>');
  const port = await serialPortFactory({ busId: 'cli', path, baudRate: Number(option('baud') ?? 115200), addresses });
  bus.attach(port);
  console.log(`simulated PDs ${addresses.join(', ')} on ${path}; type commands (card, raw, keys, door, tamper, fault, status)`);
  for (const address of addresses) {
    bus.pd(address).onOutputChange((c) => console.log(`pd ${address}: output ${c.output} ${c.active ? 'ON' : 'off'}`));
  }
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    try {
      const result = runSimScript(bus, line);
      if (result) console.log(result);
    } catch (e) {
      console.log(`error: ${(e as Error).message}`);
    }
  });
  rl.on('close', () => {
    void port.close().then(() => closePty?.());
  });
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
