/**
 * An established secure channel between one CP and one PD (SIA OSDP v2.2 Annex D.4/D.5):
 * seals outgoing messages (security block, encrypted data, MAC) and opens incoming ones
 * (MAC check, decryption). Used by both ends: the CP seals commands (SCS_15/17) and opens
 * replies (SCS_16/18); the PD does the opposite. Each MAC chains on the last MAC of the
 * other direction, so a retransmission must resend the very same bytes.
 */
import { OsdpError, OsdpErrorCodes } from './errors.js';
import { macInput, type DecodedFrame, type SecurityBlock } from './frame.js';
import { Scs } from './messages/codes.js';
import { computeMac, decryptData, encryptData, sameBytes, type SessionKeys } from './secure-channel.js';

export type ScSide = 'cp' | 'pd';

export interface SealedMessage {
  securityBlock: SecurityBlock;
  data: Uint8Array;
  macFor: (bytesBeforeMac: Uint8Array) => Uint8Array;
}

const NO_DATA = new Uint8Array(0);

export class ScSession {
  /** Last full MAC of a command (C-MAC) and of a reply (R-MAC). */
  private cmac: Uint8Array = new Uint8Array(16);
  private rmac: Uint8Array;

  constructor(
    private readonly keys: SessionKeys,
    initialRmac: Uint8Array,
    readonly side: ScSide,
  ) {
    this.rmac = initialRmac.slice();
  }

  /** The MAC this side chains its outgoing messages on (the other direction's last MAC). */
  private get outgoingIv(): Uint8Array {
    return this.side === 'cp' ? this.rmac : this.cmac;
  }

  seal(data: Uint8Array): SealedMessage {
    const iv = this.outgoingIv.slice();
    const encrypted = data.length > 0;
    const type = this.side === 'cp' ? (encrypted ? Scs.CMD_MAC_ENC : Scs.CMD_MAC) : encrypted ? Scs.REPLY_MAC_ENC : Scs.REPLY_MAC;
    return {
      securityBlock: { type, data: NO_DATA },
      data: encrypted ? encryptData(this.keys, iv, data) : NO_DATA,
      macFor: (bytes) => {
        const mac = computeMac(this.keys, iv, bytes);
        if (this.side === 'cp') this.cmac = mac;
        else this.rmac = mac;
        return mac.subarray(0, 4);
      },
    };
  }

  /** Verifies the MAC and returns the plaintext data; throws OsdpError (SC_*) otherwise. */
  open(frame: DecodedFrame): Uint8Array {
    const sb = frame.securityBlock;
    const [plainType, encType] = this.side === 'cp' ? [Scs.REPLY_MAC, Scs.REPLY_MAC_ENC] : [Scs.CMD_MAC, Scs.CMD_MAC_ENC];
    if (!sb || (sb.type !== plainType && sb.type !== encType) || !frame.mac) {
      throw new OsdpError(OsdpErrorCodes.SC_NOT_ESTABLISHED, 'message without the secure channel MAC');
    }
    const iv = this.side === 'cp' ? this.cmac : this.rmac;
    const mac = computeMac(this.keys, iv, macInput(frame));
    if (!sameBytes(mac.subarray(0, 4), frame.mac)) throw new OsdpError(OsdpErrorCodes.SC_BAD_MAC, 'MAC mismatch');
    const data = sb.type === encType ? decryptData(this.keys, iv, frame.data) : frame.data;
    if (this.side === 'cp') this.rmac = mac;
    else this.cmac = mac;
    return data;
  }
}
