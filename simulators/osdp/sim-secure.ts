/**
 * The PD half of the OSDP secure channel for the simulator (SIA OSDP v2.2 Annex D.3):
 * answers osdp_CHLNG with osdp_CCRYPT and osdp_SCRYPT with osdp_RMAC_I, then seals and
 * opens every message. SCBK-D is used only when the PD is in install mode.
 */
import { OsdpError, OsdpErrorCodes } from '../../devices/osdp/errors.js';
import type { DecodedFrame, SecurityBlock } from '../../devices/osdp/frame.js';
import { NakReason, Scs, type Reply } from '../../devices/osdp/messages/index.js';
import { ScSession } from '../../devices/osdp/sc-session.js';
import {
  SCBK_DEFAULT, clientCryptogram, deriveSessionKeys, initialRmac, randomBlock, sameBytes, serverCryptogram, type SessionKeys,
} from '../../devices/osdp/secure-channel.js';

export interface SimSecureOptions {
  /** False: the PD answers osdp_CHLNG with NAK 0x05 (no secure channel support). */
  supported?: boolean;
  scbk?: Uint8Array;
  /** Accept SCBK-D (key selector 0) and a new SCBK by osdp_KEYSET. */
  installMode?: boolean;
  /** RND.B for every handshake (tests replaying published vectors); random otherwise. */
  fixedRndB?: Uint8Array;
}

export type SecureStep = { reply: Reply; securityBlock?: SecurityBlock } | { nak: number };

export class SimPdSecure {
  session?: ScSession;
  private pending?: { keys: SessionKeys; rndA: Uint8Array; rndB: Uint8Array; keySelector: number };

  constructor(
    private readonly options: SimSecureOptions,
    private readonly clientUid: Uint8Array,
  ) {}

  drop(): void {
    this.session = undefined;
    this.pending = undefined;
  }

  onChallenge(rndA: Uint8Array, sb: SecurityBlock | undefined): SecureStep {
    this.drop();
    if (this.options.supported === false) return { nak: NakReason.SECURITY_UNSUPPORTED };
    const keySelector = sb?.data[0] ?? 1;
    // Annex D.3: SCBK-D (selector 0x00) only while the PD is in install mode; otherwise the
    // security conditions are not met (NAK 0x06), rather than answering with another key.
    if (keySelector === 0 && !this.options.installMode) return { nak: NakReason.SECURITY_CONDITION };
    const key = keySelector === 0 ? SCBK_DEFAULT : this.options.scbk;
    if (!key) return { nak: NakReason.SECURITY_CONDITION };
    const keys = deriveSessionKeys(key, rndA);
    const rndB = this.options.fixedRndB?.slice() ?? randomBlock(8);
    this.pending = { keys, rndA, rndB, keySelector };
    return {
      reply: { type: 'ccrypt', clientUid: this.clientUid, rndB, cryptogram: clientCryptogram(keys, rndA, rndB) },
      securityBlock: { type: Scs.CCRYPT, data: Uint8Array.of(keySelector) },
    };
  }

  onServerCryptogram(cryptogram: Uint8Array): SecureStep {
    const p = this.pending;
    this.pending = undefined;
    if (!p || !sameBytes(serverCryptogram(p.keys, p.rndA, p.rndB), cryptogram)) return { nak: NakReason.SECURITY_CONDITION };
    const rmac = initialRmac(p.keys, cryptogram);
    this.session = new ScSession(p.keys, rmac, 'pd');
    return { reply: { type: 'rmac_i', rmac }, securityBlock: { type: Scs.RMAC_I, data: Uint8Array.of(0x01) } };
  }

  /** osdp_KEYSET inside the channel: adopt the new SCBK and leave install mode. */
  onKeyset(key: Uint8Array): void {
    this.options.scbk = key.slice();
    this.options.installMode = false;
  }

  /** Opens a command under the channel; throws OsdpError when it is not properly sealed. */
  open(frame: DecodedFrame): Uint8Array {
    if (!this.session) throw new OsdpError(OsdpErrorCodes.SC_NOT_ESTABLISHED, 'no session');
    return this.session.open(frame);
  }
}
