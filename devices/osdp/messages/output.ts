/**
 * osdp_OUT, SIA OSDP v2.2 section 6.7: records of 4 bytes (output number, control code,
 * timer LSB, timer MSB). The timer counts units of 100 ms.
 */
import { badValue, byteRange, expectMultipleOf, u16le } from './bytes.js';

/** Control codes of section 6.7. */
export const OutControl = {
  NOP: 0,
  PERMANENT_OFF_ABORT_TIMED: 1,
  PERMANENT_ON_ABORT_TIMED: 2,
  PERMANENT_OFF_AFTER_TIMED: 3,
  PERMANENT_ON_AFTER_TIMED: 4,
  TEMPORARY_ON: 5,
  TEMPORARY_OFF: 6,
} as const;

export interface OutputControl {
  output: number;
  control: number;
  /** Timer in 100 ms units (used by codes 5 and 6). */
  timer: number;
}

export type OutputCommand = { type: 'out'; outputs: OutputControl[] };

export function encodeOut(cmd: OutputCommand): Uint8Array {
  const d = new Uint8Array(cmd.outputs.length * 4);
  cmd.outputs.forEach((o, i) => {
    const timer = byteRange('out timer', o.timer, 0xffff);
    d.set([byteRange('out number', o.output), byteRange('out control', o.control, 6), timer & 0xff, timer >> 8], i * 4);
  });
  return d;
}

export function decodeOut(data: Uint8Array): OutputCommand {
  expectMultipleOf('out', data, 4);
  const outputs: OutputControl[] = [];
  for (let i = 0; i < data.length; i += 4) {
    const control = data[i + 1] as number;
    if (control > 6) throw badValue('out', `control code ${control} undefined`);
    outputs.push({ output: data[i] as number, control, timer: u16le(data, i + 2) });
  }
  return { type: 'out', outputs };
}

/**
 * The unlock pulse: set the permanent state OFF (aborting any timed operation), then a
 * temporary ON for `seconds` that falls back to the permanent OFF state (codes 1 and 5).
 * A lost or repeated command therefore never leaves the lock released.
 */
export function unlockPulse(output: number, seconds: number): OutputCommand {
  const timer = Math.max(1, Math.min(0xffff, Math.round(seconds * 10)));
  return {
    type: 'out',
    outputs: [
      { output, control: OutControl.PERMANENT_OFF_ABORT_TIMED, timer: 0 },
      { output, control: OutControl.TEMPORARY_ON, timer },
    ],
  };
}

export function relock(output: number): OutputCommand {
  return { type: 'out', outputs: [{ output, control: OutControl.PERMANENT_OFF_ABORT_TIMED, timer: 0 }] };
}
