/**
 * esp-rfid (ESP8266 door controller firmware), `dev` branch MQTT protocol as
 * documented in its README-MQTT.md and checked against its source
 * (see /work/shared/PROTOCOLS.md "MQTT door controllers" for the firmware facts).
 * The device listens on TOPIC/cmd and publishes everything on TOPIC/send at QoS 0.
 */
import Type, { type Static } from 'typebox';

const Str = (max: number) => Type.String({ maxLength: max });
const UnixSeconds = Type.Integer({ minimum: 0, maximum: 4_294_967_295 });
/** Fields added by some builds (mqttEvents "cmd":"log", "door" hostname); accepted, not used. */
const optionalCommon = {
  hostname: Type.Optional(Str(64)),
  cmd: Type.Optional(Str(16)),
  door: Type.Optional(Type.Union([Str(64), Type.Array(Str(64), { maxItems: 4 })])),
};

export const AccessEvent = Type.Object(
  {
    type: Type.Literal('access'),
    time: UnixSeconds,
    isKnown: Type.Union([Type.Literal('true'), Type.Literal('false')]),
    access: Type.Union([Str(32), Type.Array(Str(32), { minItems: 1, maxItems: 4 })]),
    username: Str(64),
    uid: Type.String({ maxLength: 64 }),
    doorName: Type.Optional(Type.Union([Str(64), Type.Array(Str(64), { maxItems: 4 })])),
    pincode: Type.Optional(Str(16)),
    ...optionalCommon,
  },
  { additionalProperties: false },
);

export const HeartbeatEvent = Type.Object(
  {
    type: Type.Union([Type.Literal('heartbeat'), Type.Literal('boot')]),
    time: UnixSeconds,
    uptime: Type.Union([Type.Integer({ minimum: 0 }), Str(16)]),
    ip: Str(45),
    ...optionalCommon,
  },
  { additionalProperties: false },
);

export const LogEvent = Type.Object(
  {
    type: Type.Union([Type.Literal('WARN'), Type.Literal('INFO'), Type.Literal('ERRO')]),
    src: Str(32),
    desc: Str(128),
    data: Type.Optional(Str(128)),
    time: Type.Optional(UnixSeconds),
    ...optionalCommon,
  },
  { additionalProperties: false },
);

/** `{"type":"adduser"|"deletuid"|"deletusers","ip":...,"hostname":...}`: sent whether or not anything changed. */
export const CommandAck = Type.Object(
  {
    type: Type.Union([Type.Literal('adduser'), Type.Literal('deletuid'), Type.Literal('deletusers')]),
    ip: Type.Optional(Str(45)),
    hostname: Type.Optional(Str(64)),
  },
  { additionalProperties: false },
);

/** One stored user, as getuserlist returns it: the adduser message the device was sent. */
export const UserListEntry = Type.Object(
  {
    cmd: Type.Literal('adduser'),
    doorip: Type.Optional(Str(45)),
    uid: Type.String({ minLength: 1, maxLength: 19 }),
    user: Str(64),
    acctype: Type.Optional(Str(4)),
    acctype2: Type.Optional(Str(4)),
    acctype3: Type.Optional(Str(4)),
    acctype4: Type.Optional(Str(4)),
    pincode: Type.Optional(Str(16)),
    validsince: Type.Optional(Str(10)),
    validuntil: Type.Optional(Str(10)),
  },
  { additionalProperties: false },
);

export const SendMessage = Type.Union([AccessEvent, HeartbeatEvent, LogEvent, CommandAck, UserListEntry]);

export type AccessEventMsg = Static<typeof AccessEvent>;
export type HeartbeatEventMsg = Static<typeof HeartbeatEvent>;
export type LogEventMsg = Static<typeof LogEvent>;
export type CommandAckMsg = Static<typeof CommandAck>;
export type UserListEntryMsg = Static<typeof UserListEntry>;
export type SendMsg = Static<typeof SendMessage>;

/** The dialect as data. `stable` firmware publishes on TOPIC itself with other names: not supported yet. */
export const espRfidDev = {
  firmware: 'dev',
  maxPayloadBytes: 2048,
  maxUidBytes: 19,
  /** The device's heartbeat period: syncrate (default 180 s) + 1 s. */
  heartbeatPeriodMs: 181_000,
  topics: { send: '{topic}/send', command: '{topic}/cmd' },
  commands: {
    openDoor: 'opendoor',
    openRelay: 'open',
    addUser: 'adduser',
    deleteUser: 'deletuid',
    deleteAllUsers: 'deletusers',
    listUsers: 'getuserlist',
  },
  /** acctype values: 0 disabled, 1 always, 99 admin. */
  acctype: { disabled: '0', always: '1', admin: '99' },
  /** `access` values that mean the device released the door itself. */
  grantedLocally: ['Always', 'Admin'],
  /** Username of the access event an opendoor command produces (uid " "). */
  commandUsername: 'MQTT',
  schemas: { send: SendMessage },
} as const;

export type EspRfidDialect = typeof espRfidDev;

/** Supported esp-rfid firmware protocols, by the name used in driver options. */
export const espRfidDialects: Record<string, EspRfidDialect> = { dev: espRfidDev };
