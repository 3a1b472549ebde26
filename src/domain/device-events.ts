/**
 * The contract between device drivers (devices/) and the domain. Drivers turn wire
 * traffic into DeviceEvents and DoorCommands into wire traffic; they know site ids
 * (reader, door, camera, device) from the config but nothing of bookings.
 */

/** What a reader captured. Card ids are as the reader reports them (see each driver's docs). */
export type PresentedCredential =
  | { kind: 'card'; id: string }
  | { kind: 'pin'; pin: string }
  | { kind: 'qr'; payload: string };

export type DeviceEvent =
  | { type: 'credential-presented'; readerId: string; doorId: string; credential: PresentedCredential; at: number }
  /** Door position contact: open=true when the door leaf is open. */
  | { type: 'door-contact'; doorId: string; open: boolean; at: number }
  | { type: 'request-to-exit'; doorId: string; at: number }
  | { type: 'door-forced'; doorId: string; at: number }
  | { type: 'door-held-open'; doorId: string; at: number }
  | { type: 'lock-state'; doorId: string; locked: boolean; at: number }
  | { type: 'tamper'; deviceId: string; doorId?: string; active: boolean; at: number }
  /** A panic/duress button or a hardware lockdown input (source names the input). */
  | { type: 'panic'; sourceId: string; zoneId?: string; at: number }
  | { type: 'lockdown-input'; sourceId: string; active: boolean; at: number }
  | { type: 'device-availability'; deviceId: string; deviceKind: DeviceKind; online: boolean; reason?: string; at: number }
  | { type: 'motion'; cameraId: string; active: boolean; at: number }
  /**
   * A door command that did not take effect as far as the driver can tell: the controller
   * refused it or never confirmed it, or it could not be sent. The door may not be as
   * commanded (an unlock that failed leaves the door locked in front of whoever was let in).
   */
  | {
      type: 'door-command-failed';
      deviceId: string;
      command: 'unlock' | 'lock' | 'lockdown';
      commandId: string;
      doorId?: string;
      /** For a lockdown command: starting (true) or lifting it. */
      active?: boolean;
      failure: CommandFailure;
      at: number;
    };

/**
 * refused-expired: the controller got it at or after its expiry (late delivery or clock skew);
 * refused: the controller refused it (for an unlock: a lockdown of its own, or a door it does not have);
 * no-ack: no answer by the command's expiry plus a grace; not-sent: the driver could not send it.
 */
export type CommandFailure = 'refused-expired' | 'refused' | 'no-ack' | 'not-sent';

export type DoorCommandFailed = Extract<DeviceEvent, { type: 'door-command-failed' }>;

/** The command a failure report is about: drivers keep this for each unlock, lock and lockdown they send. */
export type FollowedCommand = Pick<DoorCommandFailed, 'command' | 'commandId' | 'doorId' | 'active'>;

export type DeviceKind = 'reader' | 'controller' | 'camera' | 'recorder' | 'bus';

/** What the domain asks of door hardware. */
export type DoorCommand =
  | {
      type: 'unlock';
      doorId: string;
      seconds: number;
      /** Unique id; drivers and controllers must act on an id at most once. */
      commandId: string;
      /** Epoch ms after which the command must not be acted on (late or replayed delivery). */
      expiresAt: number;
      /**
       * The reader whose presentation this unlock grants: drivers show 'granted' on it as part
       * of the same command, so the light cannot disagree with the lock and one message does both.
       */
      readerId?: string;
    }
  | { type: 'lock'; doorId: string; commandId: string }
  | { type: 'feedback'; readerId: string; doorId: string; signal: ReaderSignal; commandId: string }
  | { type: 'lockdown'; active: boolean; commandId: string };

/** Reader LED/buzzer/text feedback, mapped by each driver onto what its hardware can do. */
export type ReaderSignal = 'granted' | 'denied' | 'wait';

/** A driver for door hardware of one protocol. */
export interface DoorDriver {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Must never throw; failures are reported as device-availability events and logged. */
  execute(command: DoorCommand): void;
  /** Subscribe to events; returns an unsubscribe function. */
  onEvent(listener: (event: DeviceEvent) => void): () => void;
}
