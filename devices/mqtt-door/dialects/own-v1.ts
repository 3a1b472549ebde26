/**
 * contactd's own MQTT dialect, version 1 (docs/mqtt.md). Topics hang off
 * `<prefix>/<site>/<device>`; every payload is a JSON object with `v: 1`; all
 * publishes are QoS 1; availability and door state are retained. Commands carry an
 * id (acted on at most once) and an expiry (never acted on after it).
 */
import Type, { type Static } from 'typebox';

const V = Type.Literal(1, { description: 'dialect version' });
const EventId = Type.String({ minLength: 1, maxLength: 64, description: 'unique per device; repeats are dropped' });
const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'epoch milliseconds' });
const SiteId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' });
const strict = { additionalProperties: false } as const;

export const Availability = Type.Object(
  { v: V, online: Type.Boolean(), firmware: Type.Optional(Type.String({ maxLength: 64 })) },
  { ...strict, description: 'retained; the device sets {v:1,online:false} as its last will' },
);

export const Credential = Type.Union([
  Type.Object({ v: V, id: EventId, at: EpochMs, card: Type.String({ minLength: 1, maxLength: 64 }) }, strict),
  Type.Object({ v: V, id: EventId, at: EpochMs, pin: Type.String({ pattern: '^[0-9]{1,16}$' }) }, strict),
]);

export const DoorState = Type.Object(
  { v: V, at: EpochMs, open: Type.Boolean(), locked: Type.Boolean(), tamper: Type.Boolean() },
  { ...strict, description: 'retained snapshot, republished on every change' },
);

export const DoorEventKind = Type.Union([
  Type.Literal('rex'),
  Type.Literal('forced'),
  Type.Literal('held-open'),
  Type.Literal('panic'),
]);
export const DoorEvent = Type.Object({ v: V, id: EventId, at: EpochMs, event: DoorEventKind }, strict);

export const Ack = Type.Object(
  {
    v: V,
    commandId: EventId,
    result: Type.Union([Type.Literal('done'), Type.Literal('expired'), Type.Literal('duplicate'), Type.Literal('rejected')]),
    at: EpochMs,
  },
  strict,
);

const CommandBase = { v: V, id: EventId, expiresAt: EpochMs };
export const Command = Type.Union([
  // `reader`: the reader whose presentation this unlock grants; the controller signals 'granted' on it.
  Type.Object({ ...CommandBase, cmd: Type.Literal('unlock'), door: SiteId, seconds: Type.Integer({ minimum: 1, maximum: 60 }), reader: Type.Optional(SiteId) }, strict),
  Type.Object({ ...CommandBase, cmd: Type.Literal('lock'), door: SiteId }, strict),
  Type.Object(
    {
      ...CommandBase,
      cmd: Type.Literal('feedback'),
      reader: SiteId,
      signal: Type.Union([Type.Literal('granted'), Type.Literal('denied'), Type.Literal('wait')]),
    },
    strict,
  ),
  Type.Object({ ...CommandBase, cmd: Type.Literal('lockdown'), active: Type.Boolean() }, strict),
]);

export type AvailabilityMsg = Static<typeof Availability>;
export type CredentialMsg = Static<typeof Credential>;
export type DoorStateMsg = Static<typeof DoorState>;
export type DoorEventMsg = Static<typeof DoorEvent>;
export type AckMsg = Static<typeof Ack>;
export type CommandMsg = Static<typeof Command>;

/** Which message a topic carries, as parsed by `matchOwnTopic`. */
export type OwnTopic =
  | { kind: 'availability'; deviceId: string }
  | { kind: 'credential'; deviceId: string; readerId: string }
  | { kind: 'door-state'; deviceId: string; doorId: string }
  | { kind: 'door-event'; deviceId: string; doorId: string }
  | { kind: 'ack'; deviceId: string };

/** The dialect as data: topic templates (relative to <prefix>/<site>) and payload schemas. */
export const ownDialectV1 = {
  version: 1,
  maxPayloadBytes: 4096,
  qos: 1,
  topics: {
    availability: '{device}/availability',
    credential: '{device}/reader/{reader}/credential',
    doorState: '{device}/door/{door}/state',
    doorEvent: '{device}/door/{door}/event',
    ack: '{device}/ack',
    command: '{device}/cmd',
    daemonAvailability: '_daemon/availability',
  },
  schemas: { availability: Availability, credential: Credential, doorState: DoorState, doorEvent: DoorEvent, ack: Ack, command: Command },
} as const;

/** Topic filters the daemon subscribes to (device -> daemon traffic only). */
export function ownSubscriptions(base: string): string[] {
  return [
    `${base}/+/availability`,
    `${base}/+/reader/+/credential`,
    `${base}/+/door/+/state`,
    `${base}/+/door/+/event`,
    `${base}/+/ack`,
  ];
}

export function ownDeviceBase(prefix: string, siteId: string, deviceId: string): string {
  return `${prefix}/${siteId}/${deviceId}`;
}

/** Parses a topic under `<base>/` into its kind and ids; undefined for anything else. */
export function matchOwnTopic(base: string, topic: string): OwnTopic | undefined {
  if (!topic.startsWith(`${base}/`)) return undefined;
  const parts = topic.slice(base.length + 1).split('/');
  const [deviceId, a, b, c] = parts;
  if (!deviceId) return undefined;
  if (parts.length === 2 && a === 'availability') return { kind: 'availability', deviceId };
  if (parts.length === 2 && a === 'ack') return { kind: 'ack', deviceId };
  if (parts.length === 4 && a === 'reader' && b && c === 'credential') return { kind: 'credential', deviceId, readerId: b };
  if (parts.length === 4 && a === 'door' && b && c === 'state') return { kind: 'door-state', deviceId, doorId: b };
  if (parts.length === 4 && a === 'door' && b && c === 'event') return { kind: 'door-event', deviceId, doorId: b };
  return undefined;
}
