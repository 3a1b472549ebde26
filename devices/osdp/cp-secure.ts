/**
 * The CP half of the secure channel handshake, SIA OSDP v2.2 Annex D.3:
 * osdp_CHLNG(RND.A) -> osdp_CCRYPT(cUID, RND.B, client cryptogram) -> osdp_SCRYPT(server
 * cryptogram) -> osdp_RMAC_I(initial R-MAC). Key selector 0x01 = the PD's SCBK, 0x00 =
 * SCBK-D (install mode only, then osdp_KEYSET installs the real SCBK, section 6.17).
 */
import { OsdpError, OsdpErrorCodes } from './errors.js';
import type { SecurityBlock } from './frame.js';
import { Scs } from './messages/codes.js';
import type { Command, Reply } from './messages/index.js';
import { ScSession } from './sc-session.js';
import {
  SCBK_DEFAULT, clientCryptogram, deriveScbk, deriveSessionKeys, initialRmac, randomBlock, sameBytes, serverCryptogram,
  type SessionKeys,
} from './secure-channel.js';

export type SecureMode = 'off' | 'required' | 'install';

export interface SecureConfig {
  mode: SecureMode;
  /** The PD's own SCBK (16 bytes). */
  scbk?: Uint8Array;
  /** A master key from which each PD's SCBK is derived with its cUID. */
  masterKey?: Uint8Array;
}

export const KEY_SCBK = 0x01;
export const KEY_SCBK_D = 0x00;

export class CpHandshake {
  private keys?: SessionKeys;
  private serverCrypt?: Uint8Array;
  /** The SCBK the session is based on (to install with KEYSET when keySelector is SCBK-D). */
  scbk?: Uint8Array;

  constructor(
    private readonly config: SecureConfig,
    readonly keySelector: number,
    /** RND.A: random in service; fixed only by tests that replay published vectors (Annex E). */
    private readonly rndA: Uint8Array = randomBlock(8),
  ) {}

  challenge(): { command: Command; securityBlock: SecurityBlock } {
    return { command: { type: 'chlng', rndA: this.rndA }, securityBlock: { type: Scs.CHLNG, data: Uint8Array.of(this.keySelector) } };
  }

  /** Checks osdp_CCRYPT; returns the osdp_SCRYPT to send. Throws SC_BAD_CRYPTOGRAM on a wrong key. */
  onClientCryptogram(reply: Reply, sb: SecurityBlock | undefined): { command: Command; securityBlock: SecurityBlock } {
    if (reply.type !== 'ccrypt' || sb?.type !== Scs.CCRYPT) {
      throw new OsdpError(OsdpErrorCodes.SC_REFUSED, `PD answered osdp_CHLNG with ${reply.type}`);
    }
    const scbk = this.keySelector === KEY_SCBK_D ? SCBK_DEFAULT : this.configuredKey(reply.clientUid);
    this.scbk = this.keySelector === KEY_SCBK_D ? this.configuredKey(reply.clientUid) : scbk;
    this.keys = deriveSessionKeys(scbk, this.rndA);
    if (!sameBytes(clientCryptogram(this.keys, this.rndA, reply.rndB), reply.cryptogram)) {
      throw new OsdpError(OsdpErrorCodes.SC_BAD_CRYPTOGRAM, 'client cryptogram mismatch (wrong SCBK?)');
    }
    this.serverCrypt = serverCryptogram(this.keys, this.rndA, reply.rndB);
    return { command: { type: 'scrypt', cryptogram: this.serverCrypt }, securityBlock: { type: Scs.SCRYPT, data: Uint8Array.of(this.keySelector) } };
  }

  /** Checks osdp_RMAC_I and returns the established session. */
  onInitialRmac(reply: Reply, sb: SecurityBlock | undefined): ScSession {
    if (reply.type !== 'rmac_i' || sb?.type !== Scs.RMAC_I || !this.keys || !this.serverCrypt) {
      throw new OsdpError(OsdpErrorCodes.SC_REFUSED, `PD answered osdp_SCRYPT with ${reply.type}`);
    }
    if (sb.data[0] !== 0x01) throw new OsdpError(OsdpErrorCodes.SC_REFUSED, 'PD refused the server cryptogram');
    const expected = initialRmac(this.keys, this.serverCrypt);
    if (!sameBytes(expected, reply.rmac)) throw new OsdpError(OsdpErrorCodes.SC_BAD_CRYPTOGRAM, 'initial R-MAC mismatch');
    return new ScSession(this.keys, expected, 'cp');
  }

  private configuredKey(clientUid: Uint8Array): Uint8Array {
    if (this.config.scbk) return this.config.scbk;
    if (this.config.masterKey) return deriveScbk(this.config.masterKey, clientUid);
    throw new OsdpError(OsdpErrorCodes.SC_NO_KEY, 'no SCBK or master key configured');
  }
}
