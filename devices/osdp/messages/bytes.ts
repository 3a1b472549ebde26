/** Small helpers shared by the message codecs: length checks that throw coded errors. */
import { OsdpError, OsdpErrorCodes } from '../errors.js';

export function expectLength(name: string, data: Uint8Array, exact: number): void {
  if (data.length !== exact) {
    throw new OsdpError(OsdpErrorCodes.MESSAGE_BAD_LENGTH, `${name}: expected ${exact} data bytes, got ${data.length}`);
  }
}

export function expectAtLeast(name: string, data: Uint8Array, min: number): void {
  if (data.length < min) {
    throw new OsdpError(OsdpErrorCodes.MESSAGE_BAD_LENGTH, `${name}: expected at least ${min} data bytes, got ${data.length}`);
  }
}

export function expectMultipleOf(name: string, data: Uint8Array, size: number): void {
  if (data.length === 0 || data.length % size !== 0) {
    throw new OsdpError(OsdpErrorCodes.MESSAGE_BAD_LENGTH, `${name}: data must be records of ${size} bytes`);
  }
}

export function badValue(name: string, what: string): OsdpError {
  return new OsdpError(OsdpErrorCodes.MESSAGE_BAD_VALUE, `${name}: ${what}`);
}

export function u16le(data: Uint8Array, at: number): number {
  return (data[at] as number) | ((data[at + 1] as number) << 8);
}

export function u32le(data: Uint8Array, at: number): number {
  return ((data[at] as number) | ((data[at + 1] as number) << 8) | ((data[at + 2] as number) << 16)) + (data[at + 3] as number) * 0x1000000;
}

export function byteRange(name: string, value: number, max = 0xff): number {
  if (!Number.isInteger(value) || value < 0 || value > max) throw badValue(name, `value ${value} out of range 0..${max}`);
  return value;
}
