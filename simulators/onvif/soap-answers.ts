/**
 * SOAP answers of the simulated camera, rendered through a vendor Dialect. Element and
 * namespace names follow the ONVIF WSDLs: device (ver10/device/wsdl), media
 * (ver10/media/wsdl), events (ver10/events/wsdl) and WS-BaseNotification (wsn/b-2).
 */
import { SERVICE_NAMESPACES, type Dialect, type ServiceName } from './dialects.js';

const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wsa: 'http://www.w3.org/2005/08/addressing',
  ter: 'http://www.onvif.org/ver10/error',
  wsntw: 'http://docs.oasis-open.org/wsn/bw-2',
  wsrfrw: 'http://docs.oasis-open.org/wsrf/rw-2',
  topics: 'http://www.onvif.org/ver10/topics',
} as const;

export interface DeviceFacts {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  hardwareId: string;
  /** http://host:port of this camera's HTTP server. */
  base: string;
  rtspUri: string;
  snapshotUri: string;
  width: number;
  height: number;
  fps: number;
  /**
   * Token of a second media profile with no configurations at all (as a VMS's CreateProfile
   * leaves one, ONVIF Media 5.2.3 / Media2 5.2.1), or '' for none.
   */
  emptyProfile: string;
}

export interface NotificationFact {
  topic: string;
  utcTime: Date;
  operation: 'Initialized' | 'Changed' | 'Deleted';
  source: [string, string][];
  data: [string, string][];
}

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const q = (prefix: string, name: string): string => (prefix ? `${prefix}:${name}` : name);

export function envelope(d: Dialect, body: string, header = ''): string {
  const decl = (p: string, ns: string) => (p ? ` xmlns:${p}="${ns}"` : '');
  const namespaces =
    (d.env ? decl(d.env, NS.env) : ` xmlns="${NS.env}"`) +
    decl(d.tds, NS.tds) +
    decl(d.trt, NS.trt) +
    decl(d.tr2, NS.tr2) +
    decl(d.tt, NS.tt) +
    decl(d.tev, NS.tev) +
    decl(d.wsnt, NS.wsnt) +
    decl(d.wsa, NS.wsa) +
    decl('ter', NS.ter) +
    decl('wsntw', NS.wsntw) +
    decl('wsrf-rw', NS.wsrfrw) +
    decl(d.topicPrefix, NS.topics) +
    Object.entries(d.extraNamespaces)
      .map(([p, ns]) => decl(p, ns))
      .join('');
  const e = (n: string) => q(d.env, n);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${e('Envelope')}${namespaces}><${e('Header')}>${header}</${e('Header')}><${e('Body')}>${body}</${e('Body')}></${e('Envelope')}>`;
}

/** ONVIF Core 5.11.2.1: faults with a subcode such as ter:NotAuthorized. */
export function fault(d: Dialect, subcode: string, reason: string): string {
  const e = (n: string) => q(d.env, n);
  return envelope(
    d,
    `<${e('Fault')}><${e('Code')}><${e('Value')}>${e('Sender')}</${e('Value')}><${e('Subcode')}><${e('Value')}>${subcode}</${e('Value')}></${e('Subcode')}></${e('Code')}>` +
      `<${e('Reason')}><${e('Text')} xml:lang="en">${esc(reason)}</${e('Text')}></${e('Reason')}></${e('Fault')}>`,
  );
}

function dateParts(d: Dialect, tag: string, t: Date, utc: boolean): string {
  const tt = (n: string) => q(d.tt, n);
  const get = (u: () => number, l: () => number) => (utc ? u() : l());
  return (
    `<${tt(tag)}><${tt('Time')}><${tt('Hour')}>${get(() => t.getUTCHours(), () => t.getHours())}</${tt('Hour')}>` +
    `<${tt('Minute')}>${get(() => t.getUTCMinutes(), () => t.getMinutes())}</${tt('Minute')}><${tt('Second')}>${get(() => t.getUTCSeconds(), () => t.getSeconds())}</${tt('Second')}></${tt('Time')}>` +
    `<${tt('Date')}><${tt('Year')}>${get(() => t.getUTCFullYear(), () => t.getFullYear())}</${tt('Year')}><${tt('Month')}>${get(() => t.getUTCMonth(), () => t.getMonth()) + 1}</${tt('Month')}>` +
    `<${tt('Day')}>${get(() => t.getUTCDate(), () => t.getDate())}</${tt('Day')}></${tt('Date')}></${tt(tag)}>`
  );
}

export function systemDateAndTime(d: Dialect, cameraTime: Date): string {
  const [tds, tt] = [(n: string) => q(d.tds, n), (n: string) => q(d.tt, n)];
  // The TimeZone element is optional; the budget dialect leaves it out along with UTCDateTime.
  const tz = d.utcDateTime ? `<${tt('TimeZone')}><${tt('TZ')}>GMT0BST,M3.5.0/1,M10.5.0</${tt('TZ')}></${tt('TimeZone')}>` : '';
  return envelope(
    d,
    `<${tds('GetSystemDateAndTimeResponse')}><${tds('SystemDateAndTime')}><${tt('DateTimeType')}>NTP</${tt('DateTimeType')}>` +
      `<${tt('DaylightSavings')}>false</${tt('DaylightSavings')}>${tz}` +
      (d.utcDateTime ? dateParts(d, 'UTCDateTime', cameraTime, true) : '') +
      dateParts(d, 'LocalDateTime', cameraTime, !d.utcDateTime) +
      `</${tds('SystemDateAndTime')}></${tds('GetSystemDateAndTimeResponse')}>`,
  );
}

export function deviceInformation(d: Dialect, f: DeviceFacts): string {
  const tds = (n: string) => q(d.tds, n);
  const item = (n: string, v: string) => `<${tds(n)}>${esc(v)}</${tds(n)}>`;
  return envelope(
    d,
    `<${tds('GetDeviceInformationResponse')}>${item('Manufacturer', f.manufacturer)}${item('Model', f.model)}${item('FirmwareVersion', f.firmware)}` +
      `${item('SerialNumber', f.serial)}${item('HardwareId', f.hardwareId)}</${tds('GetDeviceInformationResponse')}>`,
  );
}

export function services(d: Dialect, f: DeviceFacts): string {
  const [tds, tt] = [(n: string) => q(d.tds, n), (n: string) => q(d.tt, n)];
  const one = (s: Dialect['services'][number]) =>
    `<${tds('Service')}><${tds('Namespace')}>${SERVICE_NAMESPACES[s.name]}</${tds('Namespace')}><${tds('XAddr')}>${f.base}${s.path}</${tds('XAddr')}>` +
    `<${tds('Version')}><${tt('Major')}>${s.version[0]}</${tt('Major')}><${tt('Minor')}>${s.version[1]}</${tt('Minor')}></${tds('Version')}></${tds('Service')}>`;
  return envelope(d, `<${tds('GetServicesResponse')}>${d.services.map(one).join('')}</${tds('GetServicesResponse')}>`);
}

/** GetCapabilities (ONVIF Core 8.1.2.2) names Media1 only: Media2 is found through GetServices alone. */
export function capabilities(d: Dialect, f: DeviceFacts): string {
  const [tds, tt] = [(n: string) => q(d.tds, n), (n: string) => q(d.tt, n)];
  const path = (name: ServiceName) => d.services.find((s) => s.name === name)?.path;
  const x = (name: ServiceName, element: string, extra = '') => {
    const at = path(name);
    return at === undefined ? '' : `<${tt(element)}><${tt('XAddr')}>${f.base}${at}</${tt('XAddr')}>${extra}</${tt(element)}>`;
  };
  return envelope(
    d,
    `<${tds('GetCapabilitiesResponse')}><${tds('Capabilities')}>${x('analytics', 'Analytics')}${x('device', 'Device')}` +
      `${x('events', 'Events', `<${tt('WSPullPointSupport')}>true</${tt('WSPullPointSupport')}>`)}${x('imaging', 'Imaging')}${x('media', 'Media')}${x('ptz', 'PTZ')}` +
      `</${tds('Capabilities')}></${tds('GetCapabilitiesResponse')}>`,
  );
}

export function pullPointCreated(d: Dialect, address: string, subscriptionId: string | null, now: Date, until: Date): string {
  const [tev, wsnt, wsa] = [(n: string) => q(d.tev, n), (n: string) => q(d.wsnt, n), (n: string) => q(d.wsa, n)];
  const ref = subscriptionId
    ? `<${wsa('ReferenceParameters')}><dom0:SubscriptionId xmlns:dom0="http://www.axis.com/2009/event">${subscriptionId}</dom0:SubscriptionId></${wsa('ReferenceParameters')}>`
    : '';
  return envelope(
    d,
    `<${tev('CreatePullPointSubscriptionResponse')}><${tev('SubscriptionReference')}><${wsa('Address')}>${address}</${wsa('Address')}>${ref}</${tev('SubscriptionReference')}>` +
      `<${wsnt('CurrentTime')}>${now.toISOString()}</${wsnt('CurrentTime')}><${wsnt('TerminationTime')}>${until.toISOString()}</${wsnt('TerminationTime')}>` +
      `</${tev('CreatePullPointSubscriptionResponse')}>`,
  );
}

function notification(d: Dialect, n: NotificationFact): string {
  const [wsnt, tt] = [(x: string) => q(d.wsnt, x), (x: string) => q(d.tt, x)];
  // Hikvision writes UtcTime bare (no Z, no fraction), though it is UTC.
  const utcTime = d.utcZone ? n.utcTime.toISOString() : n.utcTime.toISOString().slice(0, 19);
  const items = (list: [string, string][]) => list.map(([k, v]) => `<${tt('SimpleItem')} Name="${esc(k)}" Value="${esc(v)}"/>`).join('');
  return (
    `<${wsnt('NotificationMessage')}><${wsnt('Topic')} Dialect="${d.topicDialect}">${esc(n.topic)}</${wsnt('Topic')}>` +
    `<${wsnt('Message')}><${tt('Message')} UtcTime="${utcTime}" PropertyOperation="${n.operation}">` +
    (n.source.length ? `<${tt('Source')}>${items(n.source)}</${tt('Source')}>` : '') +
    (n.data.length ? `<${tt('Data')}>${items(n.data)}</${tt('Data')}>` : '') +
    `</${tt('Message')}></${wsnt('Message')}></${wsnt('NotificationMessage')}>`
  );
}

export function pullMessages(d: Dialect, now: Date, until: Date, messages: readonly NotificationFact[]): string {
  const [tev] = [(n: string) => q(d.tev, n)];
  return envelope(
    d,
    `<${tev('PullMessagesResponse')}><${tev('CurrentTime')}>${now.toISOString()}</${tev('CurrentTime')}><${tev('TerminationTime')}>${until.toISOString()}</${tev('TerminationTime')}>` +
      messages.map((m) => notification(d, m)).join('') +
      `</${tev('PullMessagesResponse')}>`,
  );
}

export function renewed(d: Dialect, now: Date, until: Date): string {
  const wsnt = (n: string) => q(d.wsnt, n);
  return envelope(
    d,
    `<${wsnt('RenewResponse')}><${wsnt('TerminationTime')}>${until.toISOString()}</${wsnt('TerminationTime')}><${wsnt('CurrentTime')}>${now.toISOString()}</${wsnt('CurrentTime')}></${wsnt('RenewResponse')}>`,
  );
}

export function unsubscribed(d: Dialect): string {
  return envelope(d, `<${q(d.wsnt, 'UnsubscribeResponse')}/>`);
}

/** WS-Discovery 1.0 ProbeMatches (ONVIF Core 7.3.2): the device's XAddrs and scopes. */
export function probeMatches(relatesTo: string, endpoint: string, xaddr: string, scopes: string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><SOAP-ENV:Header>' +
    `<wsa:MessageID>urn:uuid:${crypto.randomUUID()}</wsa:MessageID><wsa:RelatesTo>${esc(relatesTo)}</wsa:RelatesTo>` +
    '<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>' +
    '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></SOAP-ENV:Header><SOAP-ENV:Body>' +
    `<d:ProbeMatches><d:ProbeMatch><wsa:EndpointReference><wsa:Address>${esc(endpoint)}</wsa:Address></wsa:EndpointReference>` +
    `<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>${esc(scopes.join(' '))}</d:Scopes><d:XAddrs>${esc(xaddr)}</d:XAddrs>` +
    '<d:MetadataVersion>1</d:MetadataVersion></d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>'
  );
}
