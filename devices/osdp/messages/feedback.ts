/**
 * Reader feedback: osdp_LED (section 6.10, 14-byte records), osdp_BUZ (section 6.11,
 * 5 bytes) and osdp_TEXT (section 6.12). Times are in 100 ms units.
 */
import { badValue, byteRange, expectAtLeast, expectLength, expectMultipleOf, u16le } from './bytes.js';

export const LedColor = { BLACK: 0, RED: 1, GREEN: 2, AMBER: 3, BLUE: 4, MAGENTA: 5, CYAN: 6, WHITE: 7 } as const;

export interface LedState {
  /** Temporary: 0 NOP, 1 cancel and show permanent, 2 set and start timer. Permanent: 0 NOP, 1 set. */
  control: number;
  onTime: number;
  offTime: number;
  onColor: number;
  offColor: number;
}

export interface LedControl {
  reader: number;
  led: number;
  temporary: LedState & { timer: number };
  permanent: LedState;
}

export interface BuzzerControl {
  reader: number;
  /** 0 none, 1 off, 2 default tone. */
  tone: number;
  onTime: number;
  offTime: number;
  /** 0 = repeat until told otherwise. */
  count: number;
}

export interface TextControl {
  reader: number;
  /** 1 permanent no wrap, 2 permanent wrap, 3 temporary no wrap, 4 temporary wrap. */
  command: number;
  tempSeconds: number;
  row: number;
  column: number;
  text: string;
}

export type FeedbackCommand =
  | { type: 'led'; leds: LedControl[] }
  | ({ type: 'buz' } & BuzzerControl)
  | ({ type: 'text' } & TextControl);

export function encodeLed(cmd: { leds: LedControl[] }): Uint8Array {
  const d = new Uint8Array(cmd.leds.length * 14);
  cmd.leds.forEach((l, i) => {
    const t = l.temporary;
    const p = l.permanent;
    const timer = byteRange('led timer', t.timer, 0xffff);
    d.set(
      [l.reader, l.led, t.control, t.onTime, t.offTime, t.onColor, t.offColor, timer & 0xff, timer >> 8,
        p.control, p.onTime, p.offTime, p.onColor, p.offColor].map((v, j) => byteRange(`led byte ${j}`, v)),
      i * 14,
    );
  });
  return d;
}

export function decodeLed(data: Uint8Array): FeedbackCommand {
  expectMultipleOf('led', data, 14);
  const leds: LedControl[] = [];
  for (let i = 0; i < data.length; i += 14) {
    const b = (k: number) => data[i + k] as number;
    if (b(2) > 2 || b(9) > 1) throw badValue('led', 'undefined control code');
    leds.push({
      reader: b(0),
      led: b(1),
      temporary: { control: b(2), onTime: b(3), offTime: b(4), onColor: b(5), offColor: b(6), timer: u16le(data, i + 7) },
      permanent: { control: b(9), onTime: b(10), offTime: b(11), onColor: b(12), offColor: b(13) },
    });
  }
  return { type: 'led', leds };
}

export function encodeBuz(b: BuzzerControl): Uint8Array {
  return Uint8Array.from([b.reader, b.tone, b.onTime, b.offTime, b.count].map((v) => byteRange('buz', v)));
}

export function decodeBuz(data: Uint8Array): FeedbackCommand {
  expectLength('buz', data, 5);
  return { type: 'buz', reader: data[0] as number, tone: data[1] as number, onTime: data[2] as number, offTime: data[3] as number, count: data[4] as number };
}

export function encodeText(t: TextControl): Uint8Array {
  const text = Buffer.from(t.text, 'latin1');
  if (text.length > 255) throw badValue('text', 'text longer than 255 bytes');
  return Uint8Array.from([
    ...[t.reader, t.command, t.tempSeconds, t.row, t.column].map((v) => byteRange('text', v)),
    text.length,
    ...text,
  ]);
}

export function decodeText(data: Uint8Array): FeedbackCommand {
  expectAtLeast('text', data, 6);
  const length = data[5] as number;
  expectLength('text', data, 6 + length);
  return {
    type: 'text',
    reader: data[0] as number,
    command: data[1] as number,
    tempSeconds: data[2] as number,
    row: data[3] as number,
    column: data[4] as number,
    text: Buffer.from(data.subarray(6)).toString('latin1'),
  };
}

/** A temporary LED colour for `tenths` x 100 ms, then back to the permanent state. */
export function flashLed(reader: number, color: number, tenths: number): { type: 'led'; leds: LedControl[] } {
  return {
    type: 'led',
    leds: [
      {
        reader,
        led: 0,
        temporary: { control: 2, onTime: tenths, offTime: 0, onColor: color, offColor: color, timer: tenths },
        permanent: { control: 0, onTime: 0, offTime: 0, onColor: 0, offColor: 0 },
      },
    ],
  };
}
