/**
 * How real cameras of different vendors shape their SOAP answers, as data (zigbee2mqtt's
 * "device support as data"). The simulator renders every answer through one of these so
 * the driver is tested against the shapes it will meet in the field, not one tidy shape:
 * namespace prefixes differ, optional elements are missing, auth differs
 * (ONVIF Core 5.9.1: WS-Security UsernameToken digest and/or HTTP digest).
 */

export type AuthMode = 'ws-security' | 'http-digest' | 'either';

export interface Dialect {
  name: string;
  /** Prefix of the SOAP envelope (env, SOAP-ENV, s) or '' for a default namespace. */
  env: string;
  /** Prefixes for the device, media, schema, events, WS-BaseNotification, WS-Addressing namespaces. */
  tds: string;
  trt: string;
  tt: string;
  tev: string;
  wsnt: string;
  wsa: string;
  /** The prefix bound to http://www.onvif.org/ver10/topics in event topics. */
  topicPrefix: string;
  auth: AuthMode;
  /** GetServices implemented (ONVIF 2.0+); without it clients fall back to GetCapabilities. */
  getServices: boolean;
  /** GetSystemDateAndTime carries UTCDateTime (optional in the schema); else LocalDateTime only. */
  utcDateTime: boolean;
  /** Pull-point addressed by a reference parameter (Axis) rather than a unique URL. */
  subscriptionIdRef: boolean;
  /** How a digital input reports its state: ONVIF LogicalState true/false, or Axis IO port state 1/0. */
  inputStyle: 'logical-state' | 'axis-port';
}

/** The ONVIF Device Test Tool's reference shapes. */
export const standard: Dialect = {
  name: 'standard',
  env: 'env',
  tds: 'tds',
  trt: 'trt',
  tt: 'tt',
  tev: 'tev',
  wsnt: 'wsnt',
  wsa: 'wsa',
  topicPrefix: 'tns1',
  auth: 'ws-security',
  getServices: true,
  utcDateTime: true,
  subscriptionIdRef: false,
  inputStyle: 'logical-state',
};

/** Hikvision-style: SOAP-ENV, HTTP digest as well as WS-Security, both date forms. */
export const hikvisionLike: Dialect = {
  ...standard,
  name: 'hikvision-like',
  env: 'SOAP-ENV',
  wsnt: 'wsnt',
  tt: 'tt',
  auth: 'http-digest',
};

/** Axis-style: subscription id as a reference parameter, IO port topics with state 1/0. */
export const axisLike: Dialect = {
  ...standard,
  name: 'axis-like',
  env: 'SOAP-ENV',
  tev: 'aev',
  topicPrefix: 'tns1',
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
  'hikvision-like': hikvisionLike,
  'axis-like': axisLike,
  'budget-like': budgetLike,
};
