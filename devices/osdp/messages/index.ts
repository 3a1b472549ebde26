/**
 * Command and reply messages: typed values <-> (code, data). One family per file; this
 * module only dispatches on the code. Decoders throw OsdpError (MESSAGE_* codes).
 */
import { OsdpError, OsdpErrorCodes } from '../errors.js';
import { decodeAck, decodeBusy, decodeNak, encodeNak, type AckReply } from './ack.js';
import { expectLength } from './bytes.js';
import { decodeKeypad, decodeRaw, encodeKeypad, encodeRaw, type CardReply } from './card.js';
import { Cmd, Reply } from './codes.js';
import { decodeComSettings, encodeComSettings, type ComReply, type ComsetCommand } from './comset.js';
import { decodeBuz, decodeLed, decodeText, encodeBuz, encodeLed, encodeText, type FeedbackCommand } from './feedback.js';
import { decodeIdentityRequest, decodePdcap, decodePdid, encodeIdentityRequest, encodePdcap, encodePdid, type IdentityCommand, type IdentityReply } from './identity.js';
import { decodeOut, encodeOut, type OutputCommand } from './output.js';
import {
  decodeCcrypt, decodeChlng, decodeKeyset, decodeRmacI, decodeScrypt, encodeCcrypt, encodeKeyset, type SecureCommand, type SecureReply,
} from './secure.js';
import { decodeIstatr, decodeLstatr, decodeOstatr, decodeRstatr, encodeFlags, encodeLstatr, type StatusCommand, type StatusReply } from './status.js';

export type Command =
  | { type: 'poll' }
  | IdentityCommand
  | StatusCommand
  | OutputCommand
  | FeedbackCommand
  | ComsetCommand
  | SecureCommand;

export type Reply = AckReply | IdentityReply | StatusReply | CardReply | ComReply | SecureReply;

export interface Payload {
  code: number;
  data: Uint8Array;
}

const NONE = new Uint8Array(0);

export function encodeCommand(c: Command): Payload {
  switch (c.type) {
    case 'poll': return { code: Cmd.POLL, data: NONE };
    case 'id': return { code: Cmd.ID, data: encodeIdentityRequest() };
    case 'cap': return { code: Cmd.CAP, data: encodeIdentityRequest() };
    case 'lstat': return { code: Cmd.LSTAT, data: NONE };
    case 'istat': return { code: Cmd.ISTAT, data: NONE };
    case 'ostat': return { code: Cmd.OSTAT, data: NONE };
    case 'rstat': return { code: Cmd.RSTAT, data: NONE };
    case 'out': return { code: Cmd.OUT, data: encodeOut(c) };
    case 'led': return { code: Cmd.LED, data: encodeLed(c) };
    case 'buz': return { code: Cmd.BUZ, data: encodeBuz(c) };
    case 'text': return { code: Cmd.TEXT, data: encodeText(c) };
    case 'comset': return { code: Cmd.COMSET, data: encodeComSettings(c) };
    case 'keyset': return { code: Cmd.KEYSET, data: encodeKeyset(c.keyType, c.key) };
    case 'chlng': return { code: Cmd.CHLNG, data: c.rndA.slice() };
    case 'scrypt': return { code: Cmd.SCRYPT, data: c.cryptogram.slice() };
  }
}

function noData(type: 'poll' | 'lstat' | 'istat' | 'ostat' | 'rstat', data: Uint8Array): Command {
  expectLength(type, data, 0);
  return { type };
}

export function decodeCommand(code: number, data: Uint8Array): Command {
  switch (code) {
    case Cmd.POLL: return noData('poll', data);
    case Cmd.ID: return decodeIdentityRequest('id', data);
    case Cmd.CAP: return decodeIdentityRequest('cap', data);
    case Cmd.LSTAT: return noData('lstat', data);
    case Cmd.ISTAT: return noData('istat', data);
    case Cmd.OSTAT: return noData('ostat', data);
    case Cmd.RSTAT: return noData('rstat', data);
    case Cmd.OUT: return decodeOut(data);
    case Cmd.LED: return decodeLed(data);
    case Cmd.BUZ: return decodeBuz(data);
    case Cmd.TEXT: return decodeText(data);
    case Cmd.COMSET: return { type: 'comset', ...decodeComSettings('comset', data) };
    case Cmd.KEYSET: return decodeKeyset(data);
    case Cmd.CHLNG: return decodeChlng(data);
    case Cmd.SCRYPT: return decodeScrypt(data);
    default:
      throw new OsdpError(OsdpErrorCodes.MESSAGE_UNKNOWN_CODE, `unknown command code 0x${code.toString(16)}`);
  }
}

export function encodeReply(r: Reply): Payload {
  switch (r.type) {
    case 'ack': return { code: Reply.ACK, data: NONE };
    case 'nak': return { code: Reply.NAK, data: encodeNak(r.reason, r.detail) };
    case 'busy': return { code: Reply.BUSY, data: NONE };
    case 'pdid': return { code: Reply.PDID, data: encodePdid(r) };
    case 'pdcap': return { code: Reply.PDCAP, data: encodePdcap(r.capabilities) };
    case 'lstatr': return { code: Reply.LSTATR, data: encodeLstatr(r) };
    case 'istatr': return { code: Reply.ISTATR, data: encodeFlags(r.inputs) };
    case 'ostatr': return { code: Reply.OSTATR, data: encodeFlags(r.outputs) };
    case 'rstatr': return { code: Reply.RSTATR, data: Uint8Array.from(r.readers) };
    case 'raw': return { code: Reply.RAW, data: encodeRaw(r) };
    case 'keypad': return { code: Reply.KEYPAD, data: encodeKeypad(r) };
    case 'com': return { code: Reply.COM, data: encodeComSettings(r) };
    case 'ccrypt': return { code: Reply.CCRYPT, data: encodeCcrypt(r) };
    case 'rmac_i': return { code: Reply.RMAC_I, data: r.rmac.slice() };
  }
}

export function decodeReply(code: number, data: Uint8Array): Reply {
  switch (code) {
    case Reply.ACK: return decodeAck(data);
    case Reply.NAK: return decodeNak(data);
    case Reply.BUSY: return decodeBusy(data);
    case Reply.PDID: return decodePdid(data);
    case Reply.PDCAP: return decodePdcap(data);
    case Reply.LSTATR: return decodeLstatr(data);
    case Reply.ISTATR: return decodeIstatr(data);
    case Reply.OSTATR: return decodeOstatr(data);
    case Reply.RSTATR: return decodeRstatr(data);
    case Reply.RAW: return decodeRaw(data);
    case Reply.KEYPAD: return decodeKeypad(data);
    case Reply.COM: return { type: 'com', ...decodeComSettings('com', data) };
    case Reply.CCRYPT: return decodeCcrypt(data);
    case Reply.RMAC_I: return decodeRmacI(data);
    default:
      throw new OsdpError(OsdpErrorCodes.MESSAGE_UNKNOWN_CODE, `unknown reply code 0x${code.toString(16)}`);
  }
}

export { Cmd, NakReason, Reply as ReplyCode, Scs } from './codes.js';
export { nakReasonName } from './ack.js';
export { OutControl, unlockPulse, relock, type OutputControl } from './output.js';
export { LedColor, flashLed, type LedControl, type BuzzerControl, type TextControl } from './feedback.js';
export { clientUidOf, type PdIdentity, type Capability } from './identity.js';
