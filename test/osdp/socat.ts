/** Pty tests need socat: fail under CI (where it must be installed), otherwise skip with a hint. */
import { socatAvailable } from '../../simulators/osdp/pty.js';

export function requireSocat(): boolean {
  if (socatAvailable()) return true;
  if (process.env.CI) throw new Error('socat is required for the OSDP pty tests (apt-get install -y socat)');
  console.warn('skipping OSDP pty tests: socat not found (apt-get install socat)');
  return false;
}
