/**
 * A one-line command language for scripting simulated PDs (the CLI's stdin, demo scripts):
 *   card <addr> <h10301|h10306|c1k35|h10304> <facility> <card>
 *   raw <addr> <bitcount> <hex>          keys <addr> <digits, * and #>
 *   door <addr> open|closed [input]      tamper <addr> on|off
 *   fault <addr> none|silent|slow <ms>|busy <n>|corrupt <n>
 *   status <addr>
 * Returns a human-readable result; throws Error with a usage hint on bad input.
 */
import type { CardFormatName } from '../../devices/osdp/card-formats.js';
import type { SimulatedOsdpBus } from './sim-bus.js';
import type { SimFault, SimulatedPd } from './sim-pd.js';

const FORMATS = ['h10301', 'h10306', 'c1k35', 'h10304'];

function int(word: string | undefined, what: string): number {
  const n = Number(word);
  if (word === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer`);
  return n;
}

function parseFault(words: string[]): SimFault {
  const [kind, arg] = words;
  switch (kind) {
    case 'none':
    case 'silent':
      return { kind };
    case 'slow':
      return { kind, delayMs: int(arg, 'delay ms') };
    case 'busy':
    case 'corrupt':
      return { kind, replies: int(arg, 'reply count') };
    default:
      throw new Error('fault: none|silent|slow <ms>|busy <n>|corrupt <n>');
  }
}

function describe(pd: SimulatedPd): string {
  const flags = (xs: boolean[]) => xs.map((x) => (x ? '1' : '0')).join('');
  return `pd ${pd.address}: outputs ${flags(pd.outputs)} inputs ${flags(pd.inputs)} tamper ${pd.tamper ? 'on' : 'off'} secure ${pd.secureChannelActive ? 'yes' : 'no'} fault ${pd.fault.kind}`;
}

export function runSimScript(bus: SimulatedOsdpBus, line: string): string {
  const [verb, addr, ...rest] = line.trim().split(/\s+/);
  if (!verb) return '';
  const pd = bus.pd(int(addr, 'address'));
  switch (verb) {
    case 'card': {
      const [format, facility, card] = rest;
      if (!format || !FORMATS.includes(format)) throw new Error(`card format must be one of ${FORMATS.join(', ')}`);
      pd.presentCard(format as CardFormatName, int(facility, 'facility'), int(card, 'card'));
      return `card ${format}:${facility}:${card} at pd ${pd.address}`;
    }
    case 'raw': {
      const bitCount = int(rest[0], 'bit count');
      const bits = Uint8Array.from(Buffer.from(rest[1] ?? '', 'hex'));
      if (bits.length !== Math.ceil(bitCount / 8)) throw new Error('raw: hex must hold exactly ceil(bitcount/8) bytes');
      pd.presentRawCard(bitCount, bits);
      return `raw ${bitCount} bits at pd ${pd.address}`;
    }
    case 'keys':
      if (!/^[0-9*#]+$/.test(rest[0] ?? '')) throw new Error('keys: digits, * and # only');
      pd.pressKeys(rest[0] as string);
      return `keys at pd ${pd.address}`;
    case 'door':
      if (rest[0] !== 'open' && rest[0] !== 'closed') throw new Error('door: open|closed [input]');
      pd.setInput(rest[1] === undefined ? 0 : int(rest[1], 'input'), rest[0] === 'open');
      return `door ${rest[0]} at pd ${pd.address}`;
    case 'tamper':
      pd.setTamper(rest[0] === 'on');
      return `tamper ${rest[0] === 'on' ? 'on' : 'off'} at pd ${pd.address}`;
    case 'fault':
      pd.setFault(parseFault(rest));
      return `fault ${rest.join(' ')} at pd ${pd.address}`;
    case 'status':
      return describe(pd);
    default:
      throw new Error('commands: card, raw, keys, door, tamper, fault, status');
  }
}
