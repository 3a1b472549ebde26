/**
 * The configuration file's schema: the site (zones, doors, readers, cameras, rooms,
 * entrances) and the daemon's settings. Every field has a description; defaults are
 * filled in at load time. See README "Configuration" for the reference.
 */
import Type, { type Static } from 'typebox';

const Id = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'lower-case id: letters, digits, dashes' });
const HhMm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'local time HH:MM' });

export const ZoneKind = Type.Union(
  [
    Type.Literal('outside'),
    Type.Literal('carpark'),
    Type.Literal('lobby'),
    Type.Literal('waiting'),
    Type.Literal('reception'),
    Type.Literal('corridor'),
    Type.Literal('contact-room'),
    Type.Literal('staff'),
  ],
  { description: "what the zone is; 'outside' is the public street and is never tracked for keep-apart" },
);

export const Zone = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    kind: ZoneKind,
  },
  { additionalProperties: false },
);

/** How the daemon reaches the lock and reader(s) of one door. */
export const DoorController = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('mqtt'),
      deviceId: Id,
      description: Type.Optional(Type.String()),
    },
    { additionalProperties: false, description: "a controller speaking contactd's own MQTT dialect (docs/mqtt.md)" },
  ),
  Type.Object(
    {
      kind: Type.Literal('esp-rfid'),
      topic: Type.String({ minLength: 1, description: 'the device MQTT topic prefix (it publishes on TOPIC/send)' }),
      doorip: Type.String({ minLength: 1, description: 'the device IP; commands without it are dropped by the firmware' }),
      door: Type.Optional(Type.Integer({ minimum: 1, maximum: 4, description: 'relay number on multi-relay boards' })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('osdp'),
      bus: Id,
      address: Type.Integer({ minimum: 0, maximum: 126 }),
      output: Type.Integer({ minimum: 0, maximum: 255, default: 0, description: 'OUT number driving the lock relay' }),
      doorContactInput: Type.Integer({ minimum: 0, maximum: 255, default: 0 }),
      panicInput: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'input wired to a panic/duress button (active = pressed)' })),
      lockdownInput: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'input wired to a lockdown switch (active = lock down)' })),
      secure: Type.Optional(
        Type.Object(
          {
            mode: Type.Union([Type.Literal('off'), Type.Literal('required'), Type.Literal('install')], {
              default: 'off',
              description:
                "OSDP secure channel: 'required' refuses a PD that will not go secure; 'install' may use the default key SCBK-D once to install this PD's SCBK (then switch to 'required')",
            }),
            scbkEnv: Type.Optional(
              Type.String({ description: "environment variable holding this PD's 16-byte SCBK as 32 hex digits; without it the key is derived from settings.serial.masterKeyEnv" }),
            ),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false, description: 'an OSDP reader/IO board on a serial bus' },
  ),
]);

export const Reader = Type.Object(
  {
    id: Id,
    side: Type.Union([Type.Literal('from'), Type.Literal('to')], {
      description: "which side of the door the reader is on: a 'from' reader asks to pass from -> to",
    }),
    controller: DoorController,
  },
  { additionalProperties: false },
);

export const Door = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    from: Id,
    to: Id,
    readers: Type.Array(Reader, { description: 'readers on this door; none means reception releases it' }),
    unlockSeconds: Type.Integer({ minimum: 1, maximum: 60, default: 5 }),
    heldOpenSeconds: Type.Integer({ minimum: 5, maximum: 600, default: 30 }),
    fireEgress: Type.Boolean({
      default: false,
      description: 'the hardware releases this door for fire egress; contactd never holds it against egress',
    }),
  },
  { additionalProperties: false },
);

export const Room = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    zone: Id,
    capacity: Type.Integer({ minimum: 1, default: 6 }),
    shared: Type.Boolean({ default: false, description: 'usable for supported contact with several families' }),
  },
  { additionalProperties: false },
);

/**
 * An entrance is a route from the street to a waiting room, with the doors passed in
 * order. The planner sends the two parents of a case through different entrances.
 */
export const Entrance = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    doors: Type.Array(Id, { minItems: 1, description: 'doors from outside to the waiting room, in order' }),
    waitingZone: Id,
  },
  { additionalProperties: false },
);

/** What one of a camera's digital inputs is wired to. */
export const CameraInput = Type.Union([
  Type.Object(
    {
      token: Type.String({ minLength: 1, description: 'ONVIF DigitalInput token (e.g. DI_1), or the Axis IO port number' }),
      kind: Type.Literal('panic'),
      zoneId: Type.Optional(Type.String({ description: "zone the panic button is in (default: the camera's first zone)" })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ token: Type.String({ minLength: 1 }), kind: Type.Literal('door-contact'), doorId: Type.String() }, { additionalProperties: false }),
  Type.Object({ token: Type.String({ minLength: 1 }), kind: Type.Literal('lockdown') }, { additionalProperties: false }),
]);

export const Camera = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    zones: Type.Array(Id, { minItems: 1, description: 'zones this camera shows' }),
    inputs: Type.Optional(Type.Array(CameraInput, { description: "the camera's digital inputs: panic buttons, door contacts, lockdown switches" })),
    onvif: Type.Object(
      {
        url: Type.String({ minLength: 1, description: 'device service URL, e.g. http://10.0.0.5/onvif/device_service' }),
        username: Type.String(),
        passwordEnv: Type.Optional(
          Type.String({ description: 'environment variable holding the password (kept out of the file)' }),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

const Day = Type.Array(Type.Tuple([HhMm, HhMm]), { description: 'open intervals [start, end) in local time' });

export const Site = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    timezone: Type.String({ default: 'Europe/London', description: 'IANA zone all windows are planned in' }),
    openingHours: Type.Object(
      {
        mon: Day,
        tue: Day,
        wed: Day,
        thu: Day,
        fri: Day,
        sat: Day,
        sun: Day,
      },
      { additionalProperties: false },
    ),
    zones: Type.Array(Zone, { minItems: 1 }),
    doors: Type.Array(Door),
    rooms: Type.Array(Room),
    entrances: Type.Array(Entrance, { minItems: 2, description: 'at least two, so the parents never share one' }),
    cameras: Type.Array(Camera),
  },
  { additionalProperties: false },
);

export const Settings = Type.Object(
  {
    dataDir: Type.String({ default: './data', description: 'SQLite database and footage live here' }),
    http: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        secureCookies: Type.Boolean({ default: false, description: 'set the Secure flag (behind TLS)' }),
        sessionHours: Type.Number({ minimum: 0.25, maximum: 24, default: 12 }),
      },
      { additionalProperties: false, default: {} },
    ),
    mqtt: Type.Object(
      {
        url: Type.Optional(Type.String({ description: 'broker URL; without one an embedded broker runs on loopback' })),
        username: Type.Optional(Type.String()),
        passwordEnv: Type.Optional(Type.String({ description: 'environment variable holding the broker password' })),
        embeddedPort: Type.Integer({ minimum: 0, maximum: 65535, default: 1883 }),
        topicPrefix: Type.String({ default: 'contactd' }),
      },
      { additionalProperties: false, default: {} },
    ),
    serial: Type.Object(
      {
        buses: Type.Array(
          Type.Object(
            {
              id: Id,
              path: Type.String({ minLength: 1 }),
              baudRate: Type.Integer({ default: 9600 }),
            },
            { additionalProperties: false },
          ),
          { default: [] },
        ),
        masterKeyEnv: Type.Optional(
          Type.String({ description: 'environment variable holding the OSDP secure channel master key (32 hex digits); each PD SCBK is derived from it' }),
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    recording: Type.Object(
      {
        segmentSeconds: Type.Integer({ minimum: 2, maximum: 600, default: 60, description: 'length of each recorded segment (cut at the next keyframe)' }),
        minFreeMegabytes: Type.Integer({
          minimum: 1,
          default: 2048,
          description: 'below this much free space on the footage volume the oldest untagged footage is deleted, then recording pauses',
        }),
        rtspTransport: Type.Union([Type.Literal('tcp'), Type.Literal('udp')], { default: 'tcp', description: 'RTP over the RTSP connection (tcp) or over UDP' }),
        stallSeconds: Type.Integer({ minimum: 2, maximum: 120, default: 10, description: 'ffmpeg is restarted after this long without progress' }),
      },
      { additionalProperties: false, default: {} },
    ),
    retention: Type.Object(
      {
        untaggedDays: Type.Integer({ minimum: 1, default: 30 }),
        visitDaysAfterCaseClosed: Type.Integer({ minimum: 1, default: 180 }),
      },
      { additionalProperties: false, default: {} },
    ),
    planning: Type.Object(
      {
        defaultGapMinutes: Type.Integer({ minimum: 5, maximum: 120, default: 15 }),
        arrivalWindowMinutes: Type.Integer({ minimum: 5, maximum: 60, default: 10 }),
        earlyArrivalHoldMinutes: Type.Integer({ minimum: 0, maximum: 60, default: 10 }),
      },
      { additionalProperties: false, default: {} },
    ),
    alerts: Type.Object(
      {
        escalateAfterSeconds: Type.Integer({ minimum: 5, maximum: 3600, default: 60, description: 'an unacknowledged alert escalates after this' }),
        repeatEverySeconds: Type.Integer({ minimum: 5, maximum: 3600, default: 120, description: 'and escalates again this often until acknowledged' }),
        denialBurstCount: Type.Integer({ minimum: 2, maximum: 100, default: 5, description: 'denied attempts at one door that raise an alert...' }),
        denialBurstSeconds: Type.Integer({ minimum: 10, maximum: 3600, default: 60, description: '...within this many seconds' }),
        evidenceBeforeSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 60, description: 'footage held before an alert' }),
        evidenceAfterSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 240, description: 'footage held after an alert' }),
      },
      { additionalProperties: false, default: {} },
    ),
    simulators: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'start in-process device simulators for every device' }),
      },
      { additionalProperties: false, default: {} },
    ),
    logLevel: Type.Union(
      [Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')],
      { default: 'info' },
    ),
  },
  { additionalProperties: false, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    site: Site,
    settings: Settings,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type SiteConfig = Static<typeof Site>;
export type SettingsConfig = Static<typeof Settings>;
export type ZoneConfig = Static<typeof Zone>;
export type DoorConfig = Static<typeof Door>;
export type ReaderConfig = Static<typeof Reader>;
export type DoorControllerConfig = Static<typeof DoorController>;
export type RoomConfig = Static<typeof Room>;
export type EntranceConfig = Static<typeof Entrance>;
export type CameraConfig = Static<typeof Camera>;
export type CameraInputConfig = Static<typeof CameraInput>;
