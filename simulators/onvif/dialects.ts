/**
 * How real cameras of different vendors shape their SOAP answers, as data (zigbee2mqtt's
 * "device support as data"). The simulator renders every answer through one of these so
 * the driver is tested against the shapes it will meet in the field, not one tidy shape:
 * namespace prefixes differ, optional elements and services are missing, auth differs
 * (ONVIF Core 5.9.1: WS-Security UsernameToken digest and/or HTTP digest). Where a shape
 * was seen in a real camera's captured answer, the comment on the dialect says where.
 */

export type AuthMode = 'ws-security' | 'http-digest' | 'either';

/** ONVIF services a camera may list in GetServices (ONVIF Core 8.1.2.1), by the onvif package's names. */
export type ServiceName = 'device' | 'media' | 'media2' | 'events' | 'imaging' | 'ptz' | 'analytics' | 'deviceIO' | 'recording' | 'search' | 'replay';

export const SERVICE_NAMESPACES: Readonly<Record<ServiceName, string>> = {
  device: 'http://www.onvif.org/ver10/device/wsdl',
  media: 'http://www.onvif.org/ver10/media/wsdl',
  media2: 'http://www.onvif.org/ver20/media/wsdl',
  events: 'http://www.onvif.org/ver10/events/wsdl',
  imaging: 'http://www.onvif.org/ver20/imaging/wsdl',
  ptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  analytics: 'http://www.onvif.org/ver20/analytics/wsdl',
  deviceIO: 'http://www.onvif.org/ver10/deviceIO/wsdl',
  recording: 'http://www.onvif.org/ver10/recording/wsdl',
  search: 'http://www.onvif.org/ver10/search/wsdl',
  replay: 'http://www.onvif.org/ver10/replay/wsdl',
};

export interface ServiceEntry {
  name: ServiceName;
  /** XAddr path on the camera's HTTP server. */
  path: string;
  version: readonly [number, number];
}

/** Tokens and names of the camera's one streaming profile (ONVIF Media 5.2 / Media2 5.2). */
export interface ProfileTokens {
  profile: string;
  profileName: string;
  videoSource: string;
  videoSourceConfig: string;
  videoSourceConfigName: string;
  videoEncoderConfig: string;
  videoEncoderConfigName: string;
}

export interface Dialect {
  name: string;
  /** Prefix of the SOAP envelope (env, SOAP-ENV, s) or '' for a default namespace. */
  env: string;
  /** Prefixes for the device, media, media2, schema, events, WS-BaseNotification, WS-Addressing namespaces. */
  tds: string;
  trt: string;
  tr2: string;
  tt: string;
  tev: string;
  wsnt: string;
  wsa: string;
  /** The prefix bound to http://www.onvif.org/ver10/topics in event topics. */
  topicPrefix: string;
  /** Further namespace declarations the vendor puts on every envelope (prefix -> URI). */
  extraNamespaces: Readonly<Record<string, string>>;
  auth: AuthMode;
  /** Reason text of the ter:NotAuthorized fault. */
  authFaultText: string;
  /** GetServices implemented (ONVIF 2.0+); without it clients fall back to GetCapabilities. */
  getServices: boolean;
  /** Services offered, in GetServices order; Media2 ('media2') is what Profile T cameras add. */
  services: readonly ServiceEntry[];
  profile: ProfileTokens;
  /** GetSnapshotUri implemented. */
  snapshot: boolean;
  /** GetSystemDateAndTime carries UTCDateTime (optional in the schema); else LocalDateTime only. */
  utcDateTime: boolean;
  /** Pull-point addressed by a reference parameter (Axis) rather than a unique URL. */
  subscriptionIdRef: boolean;
  /** Path of a pull point; {id} is replaced by the subscription's number. */
  pullPointPath: string;
  /** How a digital input reports its state: ONVIF LogicalState true/false, or Axis IO port state 1/0. */
  inputStyle: 'logical-state' | 'axis-port';
  /** Words for true/false in event SimpleItems. */
  booleans: readonly [string, string];
  /** Source SimpleItems of cell-motion events. */
  motionSource: ReadonlyArray<readonly [string, string]>;
  /** Topic path (without prefix) and data item name of the tamper event. */
  tamper: { topic: string; item: string };
  /** UtcTime written with a Z; false writes it bare, as Hikvision firmware does. */
  utcZone: boolean;
}

const profile1: ProfileTokens = {
  profile: 'Profile_1',
  profileName: 'mainStream',
  videoSource: 'VideoSource_1',
  videoSourceConfig: 'VideoSourceConfig_1',
  videoSourceConfigName: 'VideoSourceConfig_1',
  videoEncoderConfig: 'VideoEncoderConfig_1',
  videoEncoderConfigName: 'VideoEncoderConfig_1',
};

const v = (major: number, minor: number) => [major, minor] as const;

/** The ONVIF Device Test Tool's reference shapes; Media1 only (Profile S). */
export const standard: Dialect = {
  name: 'standard',
  env: 'env',
  tds: 'tds',
  trt: 'trt',
  tr2: 'tr2',
  tt: 'tt',
  tev: 'tev',
  wsnt: 'wsnt',
  wsa: 'wsa',
  topicPrefix: 'tns1',
  extraNamespaces: {},
  auth: 'ws-security',
  authFaultText: 'Sender not Authorized',
  getServices: true,
  services: [
    { name: 'device', path: '/onvif/device_service', version: v(2, 60) },
    { name: 'media', path: '/onvif/media_service', version: v(2, 60) },
    { name: 'events', path: '/onvif/event_service', version: v(2, 60) },
  ],
  profile: profile1,
  snapshot: true,
  utcDateTime: true,
  subscriptionIdRef: false,
  pullPointPath: '/onvif/pullpoint/{id}',
  inputStyle: 'logical-state',
  booleans: ['true', 'false'],
  motionSource: [
    ['VideoSourceConfigurationToken', 'VideoSourceConfig_1'],
    ['VideoAnalyticsConfigurationToken', 'VideoAnalyticsConfig_1'],
    ['Rule', 'MyMotionDetectorRule'],
  ],
  tamper: { topic: 'RuleEngine/TamperDetector/Tamper', item: 'IsTamper' },
  utcZone: true,
};

/** A Profile S + T camera of the reference shapes: Media2 listed beside Media1. */
export const profileT: Dialect = {
  ...standard,
  name: 'profile-t',
  services: [...standard.services, { name: 'media2', path: '/onvif/media2_service', version: v(2, 60) }],
};

/** Hikvision-style: SOAP-ENV, HTTP digest only. */
export const hikvisionLike: Dialect = {
  ...standard,
  name: 'hikvision-like',
  env: 'SOAP-ENV',
  auth: 'http-digest',
};

/** Axis-style: subscription id as a reference parameter, IO port topics with state 1/0. */
export const axisLike: Dialect = {
  ...standard,
  name: 'axis-like',
  env: 'SOAP-ENV',
  tev: 'aev',
  auth: 'either',
  subscriptionIdRef: true,
  inputStyle: 'axis-port',
};

/** Budget-camera style: default namespaces and odd prefixes, no GetServices, local time only. */
export const budgetLike: Dialect = {
  ...standard,
  name: 'budget-like',
  env: 's',
  tds: 'ns2',
  trt: 'ns3',
  tr2: 'ns8',
  tt: 'ns1',
  tev: 'ns4',
  wsnt: 'ns5',
  wsa: 'ns6',
  topicPrefix: 'ns7',
  getServices: false,
  utcDateTime: false,
};

export const DIALECTS: Readonly<Record<string, Dialect>> = {
  standard,
  'profile-t': profileT,
  'hikvision-like': hikvisionLike,
  'axis-like': axisLike,
  'budget-like': budgetLike,
};
