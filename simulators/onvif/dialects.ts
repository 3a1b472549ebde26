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
  /** How the camera publishes motion and tamper (camera moved or covered). */
  motion: EventShape;
  tamper: EventShape;
  /** The wsnt:Topic Dialect attribute. */
  topicDialect: string;
  /** UtcTime written with a Z; false writes it bare, as Hikvision firmware does. */
  utcZone: boolean;
}

export interface EventShape {
  /** Topic expression; {tns1} stands for the dialect's ONVIF topic prefix. */
  topic: string;
  source: ReadonlyArray<readonly [string, string]>;
  /** Data SimpleItem holding the state. */
  item: string;
}

const CONCRETE_SET = 'http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet';

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
  motion: {
    topic: '{tns1}:RuleEngine/CellMotionDetector/Motion',
    source: [
      ['VideoSourceConfigurationToken', 'VideoSourceConfig_1'],
      ['VideoAnalyticsConfigurationToken', 'VideoAnalyticsConfig_1'],
      ['Rule', 'MyMotionDetectorRule'],
    ],
    item: 'IsMotion',
  },
  tamper: { topic: '{tns1}:RuleEngine/TamperDetector/Tamper', source: [['VideoSourceConfigurationToken', 'VideoSourceConfig_1']], item: 'IsTamper' },
  topicDialect: CONCRETE_SET,
  utcZone: true,
};

/** A Profile S + T camera of the reference shapes: Media2 listed beside Media1. */
export const profileT: Dialect = {
  ...standard,
  name: 'profile-t',
  services: [...standard.services, { name: 'media2', path: '/onvif/media2_service', version: v(2, 60) }],
};

/**
 * Hikvision, here with HTTP digest only (Hikvision answers with 401 digest challenges, MD5 and
 * SHA-256 side by side: the onvif package's lib/cam.js comment quoting one; units at their
 * defaults also take WS-Security, which the other dialects cover).
 * - Envelope `env:` declaring the vendor's long namespace list, GetServices listing many
 *   services at /onvif/<Service> with versions 16.12 / 2.42 / 2.21: agsh/onvif#212
 *   (https://github.com/agsh/onvif/issues/212; a camera at Hikvision's default 192.168.1.64;
 *   the excerpt ends at a ver20/m... entry, taken here as Media2 at /onvif/Media2).
 *   /onvif/Media and /onvif/PTZ paths: Allforgot/OnvifClient_gSOAP#1.
 * - Profile_1 / mainStream / VideoSourceConfig / VideoSource_1 / VideoEncoder_1:
 *   ZoneMinder/zoneminder#1290 (a Hikvision GetProfiles).
 * - Pull point /onvif/events/sub_pull_session_N, TRUE/FALSE values, UtcTime without a zone,
 *   tamper as RuleEngine/TamperDetector/Tamper with State, tnshik topics:
 *   eyetowers/gonvif#1. Cell motion (RuleEngine/CellMotionDetector/Motion, IsMotion) from a
 *   DS-2CD2423G0-IW: dmitrif/onvif2mqtt#34; rule MyMotionDetectorRule: home-assistant/core#35947.
 * - Digital inputs as tns1:Device/Trigger/DigitalInput with InputToken/LogicalState (the ONVIF
 *   topic; no Hikvision capture of one was found). The configuration tokens VideoSourceToken /
 *   VideoEncoderToken_1 and the motion event's source items are written in Hikvision's style,
 *   not taken from a capture.
 */
export const hikvisionLike: Dialect = {
  ...standard,
  name: 'hikvision-like',
  env: 'env',
  extraNamespaces: {
    soapenc: 'http://www.w3.org/2003/05/soap-encoding',
    xsi: 'http://www.w3.org/2001/XMLSchema-instance',
    xs: 'http://www.w3.org/2001/XMLSchema',
    timg: 'http://www.onvif.org/ver20/imaging/wsdl',
    tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
    tan: 'http://www.onvif.org/ver20/analytics/wsdl',
    tst: 'http://www.onvif.org/ver10/storage/wsdl',
    dn: 'http://www.onvif.org/ver10/network/wsdl',
    tmd: 'http://www.onvif.org/ver10/deviceIO/wsdl',
    wstop: 'http://docs.oasis-open.org/wsn/t-1',
    tnshik: 'http://www.hikvision.com/2011/event/topics',
  },
  auth: 'http-digest',
  services: [
    { name: 'device', path: '/onvif/device_service', version: v(16, 12) },
    { name: 'media', path: '/onvif/Media', version: v(16, 12) },
    { name: 'events', path: '/onvif/Events', version: v(16, 12) },
    { name: 'imaging', path: '/onvif/Imaging', version: v(16, 12) },
    { name: 'ptz', path: '/onvif/PTZ', version: v(16, 12) },
    { name: 'analytics', path: '/onvif/Analytics', version: v(16, 12) },
    { name: 'deviceIO', path: '/onvif/DeviceIO', version: v(16, 12) },
    { name: 'recording', path: '/onvif/Recording', version: v(16, 12) },
    { name: 'search', path: '/onvif/SearchRecording', version: v(2, 42) },
    { name: 'replay', path: '/onvif/Replay', version: v(2, 21) },
    { name: 'media2', path: '/onvif/Media2', version: v(16, 12) },
  ],
  profile: { ...profile1, videoSourceConfig: 'VideoSourceToken', videoSourceConfigName: 'VideoSourceConfig', videoEncoderConfig: 'VideoEncoderToken_1', videoEncoderConfigName: 'VideoEncoder_1' },
  pullPointPath: '/onvif/events/sub_pull_session_{id}',
  booleans: ['TRUE', 'FALSE'],
  motion: {
    topic: '{tns1}:RuleEngine/CellMotionDetector/Motion',
    source: [
      ['VideoSourceConfigurationToken', 'VideoSourceToken'],
      ['VideoAnalyticsConfigurationToken', 'VideoAnalyticsToken'],
      ['Rule', 'MyMotionDetectorRule'],
    ],
    item: 'IsMotion',
  },
  tamper: { topic: '{tns1}:RuleEngine/TamperDetector/Tamper', source: [['VideoSourceToken', 'vstoken_ch0001']], item: 'State' },
  utcZone: false,
};

/**
 * TP-Link Tapo (C200/C220-class): Media1 only, no I/O.
 * - GetServices refused (RootSoft/ONVIF-Java#5: a TP-Link camera at :2020 answers getServices
 *   with an error); GetCapabilities lists every service at one /onvif/service XAddr
 *   (koush/scrypted#1775, Tapo C200; caspermeijn/onvifviewer#6).
 * - GetSnapshotUri: SOAP-ENV:Receiver ter:ActionNotSupported (caspermeijn/onvifviewer#6).
 * - Credentials: WS-Security UsernameToken; a wrong password is a NotAuthorized fault
 *   "Authority failure", not an HTTP digest challenge (open-nvr/open-nvr#470, Tapo C520WS;
 *   kennedn/tapo-onboarding#3). No evidence was found for digest-only Tapo firmware.
 * - Pull point /event-N_2020; motion RuleEngine/CellMotionDetector/Motion with IsMotion and
 *   tamper filed as RuleEngine/CellMotionDetector/Tamper with IsTamper, sources vsconf /
 *   VideoAnalyticsToken / My...DetectorRule (home-assistant/core tests/components/onvif/
 *   test_parsers.py, test_tapo_*).
 */
export const tapoLike: Dialect = {
  ...standard,
  name: 'tapo-like',
  env: 'SOAP-ENV',
  extraNamespaces: {
    'SOAP-ENC': 'http://www.w3.org/2003/05/soap-encoding',
    xsi: 'http://www.w3.org/2001/XMLSchema-instance',
    xsd: 'http://www.w3.org/2001/XMLSchema',
    wsa5: 'http://www.w3.org/2005/08/addressing',
  },
  authFaultText: 'Authority failure',
  getServices: false,
  services: [
    { name: 'device', path: '/onvif/service', version: v(20, 6) },
    { name: 'media', path: '/onvif/service', version: v(20, 6) },
    { name: 'events', path: '/onvif/service', version: v(20, 6) },
    { name: 'analytics', path: '/onvif/service', version: v(20, 6) },
  ],
  // vsconf is the configuration token Tapo events name; the other tokens are the reference ones.
  profile: { ...profile1, videoSourceConfig: 'vsconf' },
  snapshot: false,
  pullPointPath: '/event-{id}_2020',
  motion: {
    topic: '{tns1}:RuleEngine/CellMotionDetector/Motion',
    source: [
      ['VideoSourceConfigurationToken', 'vsconf'],
      ['VideoAnalyticsConfigurationToken', 'VideoAnalyticsToken'],
      ['Rule', 'MyMotionDetectorRule'],
    ],
    item: 'IsMotion',
  },
  tamper: {
    topic: '{tns1}:RuleEngine/CellMotionDetector/Tamper',
    source: [
      ['VideoSourceConfigurationToken', 'vsconf'],
      ['VideoAnalyticsConfigurationToken', 'VideoAnalyticsToken'],
      ['Rule', 'MyTamperDetectorRule'],
    ],
    item: 'IsTamper',
  },
};

/**
 * Axis (AXIS OS, Profile S + T).
 * - SOAP-ENV envelope with Axis's namespaces (RiftValleySoftware/RVS_ONVIF AxisCameraMock,
 *   M5525-E); services other than the device at one /onvif/services XAddr, where the pull
 *   point also lives, addressed by a dom0:SubscriptionId reference parameter
 *   (kerberos-io/onvif#6).
 * - Media2 with profile_1_h264 / user0 / video source 0 / default_1_h264 (agsh/onvif#233).
 * - Inputs as tns1:Device/tnsaxis:IO/Port (port, state 1/0), motion as VMD4
 *   tnsaxis:CameraApplicationPlatform/VMD/Camera1Profile1 (active 1/0, empty Source), tamper
 *   as tns1:VideoSource/GlobalSceneChange/ImagingService (Source 0, State 1/0), Simple topic
 *   dialect (Kane610/axis tests/event_fixtures.py).
 */
export const axisLike: Dialect = {
  ...standard,
  name: 'axis-like',
  env: 'SOAP-ENV',
  extraNamespaces: {
    'SOAP-ENC': 'http://www.w3.org/2003/05/soap-encoding',
    xsi: 'http://www.w3.org/2001/XMLSchema-instance',
    xsd: 'http://www.w3.org/2001/XMLSchema',
    wsa5: 'http://www.w3.org/2005/08/addressing',
    wstop: 'http://docs.oasis-open.org/wsn/t-1',
    aev: 'http://www.axis.com/vapix/ws/event1',
    tnsaxis: 'http://www.axis.com/2009/event/topics',
  },
  auth: 'either',
  services: [
    { name: 'device', path: '/onvif/device_service', version: v(2, 60) },
    { name: 'media', path: '/onvif/services', version: v(2, 60) },
    { name: 'events', path: '/onvif/services', version: v(2, 60) },
    { name: 'imaging', path: '/onvif/services', version: v(2, 60) },
    { name: 'deviceIO', path: '/onvif/services', version: v(2, 60) },
    { name: 'media2', path: '/onvif/services', version: v(2, 60) },
  ],
  profile: {
    profile: 'profile_1_h264',
    profileName: 'profile_1 h264',
    videoSource: '0',
    videoSourceConfig: '0',
    videoSourceConfigName: 'user0',
    videoEncoderConfig: 'default_1_h264',
    videoEncoderConfigName: 'default_1 h264',
  },
  subscriptionIdRef: true,
  inputStyle: 'axis-port',
  booleans: ['1', '0'],
  motion: { topic: 'tnsaxis:CameraApplicationPlatform/VMD/Camera1Profile1', source: [], item: 'active' },
  tamper: { topic: '{tns1}:VideoSource/GlobalSceneChange/ImagingService', source: [['Source', '0']], item: 'State' },
  topicDialect: 'http://docs.oasis-open.org/wsn/t-1/TopicExpression/Simple',
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
  'tapo-like': tapoLike,
  'axis-like': axisLike,
  'budget-like': budgetLike,
};
