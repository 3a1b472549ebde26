/**
 * Pushes visitor credentials to one esp-rfid controller ahead of time so the door
 * keeps working for booked people while the daemon or broker is down.
 *
 * Firmware facts (PROTOCOLS.md, esp-rfid dev): every field a JSON string; payload
 * < 2048 bytes; uid <= 19 bytes (it is a SPIFFS file name, matched case-sensitively);
 * validsince/validuntil unix seconds read as uint32; adduser/deletuid/deletusers are
 * always acked without saying which uid; getuserlist answers one stored adduser
 * message per user with no count and no end marker, so a listing ends after a quiet
 * period. `believed` is what we think the device holds: updated as commands are sent,
 * replaced by the device's own list after each reconciliation.
 */
import type { Clock } from '../../src/clock.js';
import type { Logger } from 'pino';
import { espRfidDev } from './dialects/esp-rfid-dev.js';
import type { UserListEntryMsg } from './dialects/esp-rfid-dev.js';

/** One credential the device should hold (times in epoch ms, as everywhere in contactd). */
export interface CredentialEntry {
  uid: string;
  user: string;
  validFrom: number;
  validUntil: number;
}

export interface SyncResult {
  added: number;
  deleted: number;
  /** True when nothing was sent yet: a user-list reconciliation or a lockdown is in progress; sent when it ends. */
  deferred: boolean;
  rejected: { uid: string; reason: string }[];
}

interface WireUser {
  uid: string;
  user: string;
  acctype: string;
  validsince: string;
  validuntil: string;
}

export interface CredentialSyncOptions {
  doorip: string;
  send(payload: string): void;
  clock: Clock;
  log: Logger;
  /** Quiet period that ends a getuserlist listing. */
  listQuietMs: number;
  /** Keep users found on the device that contactd did not push (installer cards). Default false: delete them. */
  keepForeignUsers: boolean;
}

const UID_RE = /^[\x21-\x2e\x30-\x7e]{1,19}$/; // printable ASCII without '/', since uid is a file name
const MAX_USER_CHARS = 32;

export class CredentialSync {
  private desired = new Map<string, WireUser>();
  private believed = new Map<string, WireUser>();
  private listing: { collected: Map<string, WireUser>; cancelQuiet: () => void } | undefined;
  private suspended = false;
  private acksPending = 0;

  constructor(private readonly o: CredentialSyncOptions) {}

  /** Sets the full list the device should hold; sends the difference unless a listing is running. */
  setDesired(entries: readonly CredentialEntry[]): SyncResult {
    const rejected: SyncResult['rejected'] = [];
    const next = new Map<string, WireUser>();
    for (const e of entries) {
      const wire = toWire(e);
      if (typeof wire === 'string') rejected.push({ uid: String(e.uid).slice(0, 32), reason: wire });
      else next.set(wire.uid, wire);
    }
    for (const r of rejected) this.o.log.warn({ uid: r.uid, reason: r.reason }, 'credential not pushed to esp-rfid');
    this.desired = next;
    const deferred = this.listing !== undefined || this.suspended;
    const { added, deleted } = deferred ? { added: 0, deleted: 0 } : this.flush();
    return { added, deleted, deferred, rejected };
  }

  /** Asks the device for its user list; the difference is sent once the listing goes quiet. */
  reconcile(): void {
    this.listing?.cancelQuiet();
    this.listing = { collected: new Map(), cancelQuiet: this.armQuiet() };
    this.o.send(JSON.stringify({ cmd: espRfidDev.commands.listUsers, doorip: this.o.doorip }));
  }

  /** A getuserlist reply (a stored adduser message). Ignored outside a listing. */
  onUserListEntry(entry: UserListEntryMsg): void {
    if (!this.listing) return this.o.log.debug({ uid: entry.uid }, 'user list entry outside a listing; ignored');
    this.listing.collected.set(entry.uid, {
      uid: entry.uid,
      user: entry.user,
      acctype: entry.acctype ?? '',
      validsince: entry.validsince ?? '',
      validuntil: entry.validuntil ?? '',
    });
    this.listing.cancelQuiet();
    this.listing.cancelQuiet = this.armQuiet();
  }

  onAck(): void {
    if (this.acksPending > 0) this.acksPending--;
  }

  /** Lockdown: wipe every pushed credential so nobody opens the door locally; resume re-pushes. */
  suspend(): void {
    this.suspended = true;
    // A listing running now would describe the table before the wipe.
    this.listing?.cancelQuiet();
    this.listing = undefined;
    this.o.send(JSON.stringify({ cmd: espRfidDev.commands.deleteAllUsers, doorip: this.o.doorip }));
    this.acksPending++;
    this.believed.clear();
  }

  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    if (!this.listing) this.flush();
  }

  state(): { desired: string[]; believed: string[]; listing: boolean; acksPending: number; suspended: boolean } {
    return {
      desired: [...this.desired.keys()],
      believed: [...this.believed.keys()],
      listing: this.listing !== undefined,
      acksPending: this.acksPending,
      suspended: this.suspended,
    };
  }

  stop(): void {
    this.listing?.cancelQuiet();
    this.listing = undefined;
  }

  private armQuiet(): () => void {
    return this.o.clock.setTimeout(() => this.finishListing(), this.o.listQuietMs);
  }

  private finishListing(): void {
    if (!this.listing) return;
    this.believed = this.listing.collected;
    this.listing = undefined;
    this.o.log.info({ doorip: this.o.doorip, users: this.believed.size }, 'esp-rfid user list reconciled');
    if (!this.suspended) this.flush();
  }

  private flush(): { added: number; deleted: number } {
    let added = 0;
    let deleted = 0;
    for (const [uid, held] of this.believed) {
      if (this.desired.has(uid)) continue;
      if (this.o.keepForeignUsers && !held.user.startsWith('contactd:')) continue;
      this.o.send(JSON.stringify({ cmd: espRfidDev.commands.deleteUser, uid, doorip: this.o.doorip }));
      this.believed.delete(uid);
      this.acksPending++;
      deleted++;
    }
    for (const [uid, want] of this.desired) {
      if (sameUser(this.believed.get(uid), want)) continue;
      this.o.send(JSON.stringify({ cmd: espRfidDev.commands.addUser, doorip: this.o.doorip, ...want }));
      this.believed.set(uid, want);
      this.acksPending++;
      added++;
    }
    return { added, deleted };
  }
}

function sameUser(a: WireUser | undefined, b: WireUser): boolean {
  return !!a && a.user === b.user && a.acctype === b.acctype && a.validsince === b.validsince && a.validuntil === b.validuntil;
}

/** Entry -> wire user, or the reason it cannot be sent safely. */
function toWire(e: CredentialEntry): WireUser | string {
  if (typeof e.uid !== 'string' || !UID_RE.test(e.uid)) return 'uid must be 1-19 printable ASCII characters without "/"';
  if (!Number.isFinite(e.validFrom) || !Number.isFinite(e.validUntil)) return 'validity must be finite epoch ms';
  const since = Math.floor(e.validFrom / 1000);
  const until = Math.floor(e.validUntil / 1000);
  if (since < 0 || until > 0xffff_ffff) return 'validity outside the 32-bit unix seconds the firmware reads';
  if (until <= since) return 'validUntil must be after validFrom';
  // The label is stored and echoed by the device; keep it short and printable. Prefix marks it as ours.
  const user = `contactd:${String(e.user).replace(/[^\x20-\x7e]/g, '?')}`.slice(0, MAX_USER_CHARS);
  const wire = { uid: e.uid, user, acctype: espRfidDev.acctype.always, validsince: String(since), validuntil: String(until) };
  const size = Buffer.byteLength(JSON.stringify({ cmd: 'adduser', doorip: '255.255.255.255', ...wire }));
  if (size >= espRfidDev.maxPayloadBytes) return 'adduser payload would exceed 2048 bytes';
  return wire;
}
