/**
 * Stream framer: turns arbitrary chunks of serial bytes into OSDP packets.
 *
 * SIA OSDP v2.2 section 5.7: "The SOM character (0x53) marks the beginning of a packet";
 * the bus is half duplex and a receiver must ignore noise between packets. So the parser
 * scans for SOM, reads LEN, waits for the rest and verifies the check bytes; any
 * candidate that fails (impossible LEN, bad CRC/checksum, malformed header) costs one
 * byte and the scan resumes at the next SOM. While one candidate is still incomplete,
 * later SOMs are tried too, so a garbage byte 0x53 with a large LEN cannot hide a valid
 * packet that follows it. Never throws: rejections are counted and reported.
 */
import { OsdpError, OsdpErrorCodes, isOsdpError } from './errors.js';
import { MAX_FRAME_LEN, SOM, checkIsValid, declaredLength, decodeFrame, minimumLength, type DecodedFrame } from './frame.js';

export interface FrameParserStats {
  frames: number;
  /** Bytes discarded as noise (mark bytes 0xFF are not counted). */
  junkBytes: number;
  /** Complete candidates rejected (bad check, malformed). */
  rejected: number;
  /** Frames whose consumer threw (a bug upstream; the stream carries on). */
  handlerErrors: number;
}

export interface FrameParserHandlers {
  onFrame(frame: DecodedFrame): void;
  onReject?(error: OsdpError): void;
}

const EMPTY = new Uint8Array(0);

export class FrameParser {
  private buf: Uint8Array = EMPTY;
  readonly stats: FrameParserStats = { frames: 0, junkBytes: 0, rejected: 0, handlerErrors: 0 };

  constructor(private readonly handlers: FrameParserHandlers) {}

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.buf.length === 0) {
      this.buf = Uint8Array.from(chunk);
    } else {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    }
    while (this.extractOne()) {
      /* keep extracting */
    }
  }

  /** Forget buffered bytes (the CP calls this when a reply window closes). */
  reset(): void {
    this.discard(this.buf.length);
  }

  /** Bytes waiting for the rest of a packet. */
  get pending(): number {
    return this.buf.length;
  }

  /** Finds, emits and consumes the first complete valid packet; false when there is none yet. */
  private extractOne(): boolean {
    let firstPending = -1;
    for (let i = this.buf.indexOf(SOM); i >= 0; i = this.buf.indexOf(SOM, i + 1)) {
      const len = declaredLength(this.buf, i);
      if (len === undefined || this.buf.length - i < 5) {
        if (firstPending < 0) firstPending = i;
        break;
      }
      if (len < minimumLength(this.buf[i + 4] as number) || len > MAX_FRAME_LEN) continue;
      if (i + len > this.buf.length) {
        if (firstPending < 0) firstPending = i;
        continue;
      }
      const pkt = this.buf.subarray(i, i + len);
      if (!checkIsValid(pkt)) {
        if (firstPending < 0) this.reject(new OsdpError(OsdpErrorCodes.FRAME_BAD_CHECK, 'bad CRC/checksum'));
        continue;
      }
      const frame = this.tryDecode(pkt);
      if (!frame) continue;
      this.discard(i);
      this.buf = this.buf.subarray(len);
      this.stats.frames++;
      this.emit(frame);
      return true;
    }
    this.discard(firstPending < 0 ? this.buf.length : firstPending);
    return false;
  }

  private tryDecode(pkt: Uint8Array): DecodedFrame | undefined {
    try {
      return decodeFrame(Uint8Array.from(pkt));
    } catch (e) {
      this.reject(isOsdpError(e) ? e : new OsdpError(OsdpErrorCodes.FRAME_BAD_LENGTH, String(e)));
      return undefined;
    }
  }

  private emit(frame: DecodedFrame): void {
    try {
      this.handlers.onFrame(frame);
    } catch (e) {
      // A consumer bug must not desynchronise the stream; count and report it.
      this.stats.handlerErrors++;
      this.reject(new OsdpError(OsdpErrorCodes.MESSAGE_BAD_VALUE, `frame handler failed: ${String(e)}`));
    }
  }

  private reject(error: OsdpError): void {
    this.stats.rejected++;
    try {
      this.handlers.onReject?.(error);
    } catch {
      /* reporting must never break parsing */
    }
  }

  private discard(count: number): void {
    for (let i = 0; i < count; i++) if (this.buf[i] !== 0xff) this.stats.junkBytes++;
    this.buf = count >= this.buf.length ? EMPTY : this.buf.subarray(count);
  }
}
