/**
 * ONVIF event notifications -> camera signals. The topic table is data: each row names a
 * topic (namespace prefixes stripped, since vendors bind tns1 to any prefix they like),
 * which SimpleItem carries the state and which names the input. Topics from ONVIF Core
 * 9.11 / the topic namespace (tns1:Device/Trigger/DigitalInput, RuleEngine/...), plus
 * the Axis IO port topic. Anything else is ignored and counted, never thrown.
 */

export type CameraSignalKind = 'digital-input' | 'motion' | 'tamper';

export interface CameraSignal {
  kind: CameraSignalKind;
  /** Input token for digital inputs; '' otherwise. */
  input: string;
  active: boolean;
  /** Initialized (current state after subscribing) rather than Changed. */
  initial: boolean;
  /** Camera time of the event (ms), or undefined when the message carried none. */
  cameraTime: number | undefined;
}

export type ParsedNotification = { ok: true; signal: CameraSignal } | { ok: false; reason: 'unknown-topic' | 'malformed'; topic?: string };

interface TopicRow {
  kind: CameraSignalKind;
  /** Data item names holding the state, first present wins. */
  state: string[];
  /** Source item names naming the input, first present wins. */
  input?: string[];
}

/**
 * Topic path without namespace prefixes -> how to read it. Rows beyond the ONVIF topic set
 * come from real cameras' answers (test/onvif/fixtures/README.md says where each was seen).
 */
export const TOPICS: Readonly<Record<string, TopicRow>> = {
  'Device/Trigger/DigitalInput': { kind: 'digital-input', state: ['LogicalState', 'State'], input: ['InputToken', 'DigitalInputToken', 'Index'] },
  'Device/IO/Port': { kind: 'digital-input', state: ['state'], input: ['port'] },
  'Device/IO/VirtualInput': { kind: 'digital-input', state: ['active'], input: ['input'] },
  'VideoSource/MotionAlarm': { kind: 'motion', state: ['State'] },
  'RuleEngine/CellMotionDetector/Motion': { kind: 'motion', state: ['IsMotion'] },
  'RuleEngine/MotionRegionDetector/Motion': { kind: 'motion', state: ['State'] },
  // Hikvision (tns1:VideoAnalytics/tnshik:MotionAlarm, State TRUE/FALSE).
  'VideoAnalytics/MotionAlarm': { kind: 'motion', state: ['State'] },
  // Hikvision says State where the topic set says IsTamper.
  'RuleEngine/TamperDetector/Tamper': { kind: 'tamper', state: ['IsTamper', 'State'] },
  // TP-Link Tapo files tamper under the cell motion detector.
  'RuleEngine/CellMotionDetector/Tamper': { kind: 'tamper', state: ['IsTamper'] },
  // Hikvision video-cover (lens covered) alarm.
  'UserAlarm/VideoCover': { kind: 'tamper', state: ['State'] },
  // ONVIF names three producers of a global scene change (camera moved or covered).
  'VideoSource/GlobalSceneChange/ImagingService': { kind: 'tamper', state: ['State'] },
  'VideoSource/GlobalSceneChange/AnalyticsService': { kind: 'tamper', state: ['State'] },
  'VideoSource/GlobalSceneChange/RecordingService': { kind: 'tamper', state: ['State'] },
};

/** Topic families whose last segment names a profile: Axis VMD4 (tnsaxis:CameraApplicationPlatform/VMD/Camera1Profile1, .../Camera1ProfileANY). */
export const TOPIC_PREFIXES: ReadonlyArray<readonly [string, TopicRow]> = [['CameraApplicationPlatform/VMD/', { kind: 'motion', state: ['active'] }]];

function topicRow(topic: string): TopicRow | undefined {
  if (Object.hasOwn(TOPICS, topic)) return TOPICS[topic];
  return TOPIC_PREFIXES.find(([prefix]) => topic.startsWith(prefix) && topic.length > prefix.length)?.[1];
}

export function stripTopicPrefixes(topic: string): string {
  return topic
    .trim()
    .split('/')
    .map((seg) => seg.slice(seg.indexOf(':') + 1))
    .filter((seg) => seg.length > 0)
    .join('/');
}

/** Cameras say true/false, 1/0, active/inactive; the onvif package may already have made a boolean or number. */
export function readBoolean(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'active', 'on', 'high'].includes(s)) return true;
  if (['false', '0', 'inactive', 'off', 'low'].includes(s)) return false;
  return undefined;
}

const asObject = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** SimpleItems as name -> value, whether the parser gave one item or an array. */
function simpleItems(container: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const items = asObject(container)?.simpleItem;
  for (const item of Array.isArray(items) ? items : [items]) {
    const attrs = asObject(asObject(item)?.$);
    if (attrs && typeof attrs.Name === 'string') out.set(attrs.Name, attrs.Value);
  }
  return out;
}

/** xs:dateTime with or without a zone designator (Z, +hh:mm). */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * UtcTime is UTC by definition (ONVIF Core 9.11.1), but Hikvision firmware writes it
 * without the Z ("2023-06-01T07:27:22"), which Date.parse would read as the daemon's
 * local time: a bare date-time is taken as UTC here.
 */
function readTime(v: unknown): number | undefined {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.getTime() : undefined;
  if (typeof v !== 'string') return undefined;
  const m = DATE_TIME.exec(v.trim());
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}${m[2] ?? 'Z'}`);
  return Number.isFinite(t) ? t : undefined;
}

/** Reads one notificationMessage as the onvif package hands it over (xml2js + linerase). */
export function parseNotification(message: unknown): ParsedNotification {
  const m = asObject(message);
  const topicNode = m?.topic;
  const topicText = typeof topicNode === 'string' ? topicNode : asObject(topicNode)?._;
  if (typeof topicText !== 'string') return { ok: false, reason: 'malformed' };
  const topic = stripTopicPrefixes(topicText);
  const row = topicRow(topic);
  if (!row) return { ok: false, reason: 'unknown-topic', topic };
  const inner = asObject(asObject(m?.message)?.message);
  if (!inner) return { ok: false, reason: 'malformed', topic };
  const attrs = asObject(inner.$) ?? {};
  const data = simpleItems(inner.data);
  const source = simpleItems(inner.source);
  const stateName = row.state.find((n) => data.has(n));
  const active = stateName === undefined ? undefined : readBoolean(data.get(stateName));
  if (active === undefined) return { ok: false, reason: 'malformed', topic };
  let input = '';
  if (row.input) {
    const inputName = row.input.find((n) => source.has(n));
    const value = inputName === undefined ? undefined : source.get(inputName);
    if (value === undefined || value === null || (typeof value !== 'string' && typeof value !== 'number')) return { ok: false, reason: 'malformed', topic };
    input = String(value);
  }
  return {
    ok: true,
    signal: { kind: row.kind, input, active, initial: attrs.PropertyOperation === 'Initialized', cameraTime: readTime(attrs.UtcTime) },
  };
}
