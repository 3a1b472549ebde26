/**
 * The simulated camera's media services: Media1 (ONVIF Media Service, ver10/media/wsdl,
 * Profile S) and Media2 (ONVIF Media2 Service, ver20/media/wsdl, Profile T). The two
 * describe the same one streaming profile in different shapes:
 * - Media1 GetProfiles: trt:Profiles with tt:VideoSourceConfiguration and
 *   tt:VideoEncoderConfiguration children (Media 5.2.1).
 * - Media2 GetProfiles: tr2:Profiles token="..." with tt:Name and, for the configuration
 *   types asked for in <Type> (All, VideoSource, VideoEncoder, ...), a tr2:Configurations
 *   holding tr2:VideoSource / tr2:VideoEncoder whose children are tt: elements (Media2
 *   5.2.2; without a Type only token and name come back). Shape as captured in
 *   agsh/onvif#233 (https://github.com/agsh/onvif/issues/233): tr2:Name, VideoEncoder
 *   attributes Profile/GovLength, tt:RateControl with FrameRateLimit and BitrateLimit.
 * - Media2 GetStreamUri takes <Protocol> (RtspUnicast, RtspMulticast, RTSP, RtspOverHttp)
 *   and answers a bare tr2:Uri; GetSnapshotUri answers tr2:Uri too (Media2 5.7, 5.8).
 * A profile token the camera does not have is refused with ter:InvalidArgVal/ter:NoProfile.
 */
import { elementText } from './auth.js';
import type { Dialect } from './dialects.js';
import { envelope, esc, fault, q, type DeviceFacts } from './soap-answers.js';

export type MediaService = 'media' | 'media2';
export type Answer = { status: number; xml: string };

const MEDIA2_PROTOCOLS = ['RtspUnicast', 'RtspMulticast', 'RTSP', 'RtspOverHttp'];
const MEDIA2_TYPES = ['All', 'VideoSource', 'VideoEncoder'];

/** Media1 or Media2 answer to `action`, or undefined when that service has no such action. */
export function answerMedia(d: Dialect, f: DeviceFacts, service: MediaService, action: string, body: string): Answer | undefined {
  const ok = (xml: string): Answer => ({ status: 200, xml });
  const token = elementText(body, 'ProfileToken');
  const needsProfile = ['GetStreamUri', 'GetSnapshotUri'].includes(action);
  if (needsProfile && token !== d.profile.profile) return { status: 400, xml: fault(d, 'ter:InvalidArgVal', `ter:NoProfile: no profile ${token ?? '(none)'}`) };
  if (action === 'GetSnapshotUri' && !d.snapshot) return { status: 400, xml: fault(d, 'ter:ActionNotSupported', 'Optional Action Not Implemented') };
  if (service === 'media') {
    if (action === 'GetVideoSources') return ok(videoSources(d, f));
    if (action === 'GetProfiles') return ok(profiles(d, f));
    if (action === 'GetStreamUri') return ok(mediaUri(d, 'GetStreamUriResponse', f.rtspUri));
    if (action === 'GetSnapshotUri') return ok(mediaUri(d, 'GetSnapshotUriResponse', f.snapshotUri));
    return undefined;
  }
  const tr2 = (n: string) => q(d.tr2, n);
  const uri = (kind: string, value: string) => ok(envelope(d, `<${tr2(kind)}><${tr2('Uri')}>${esc(value)}</${tr2('Uri')}></${tr2(kind)}>`));
  if (action === 'GetProfiles') return ok(profiles2(d, f, requestedTypes(body)));
  if (action === 'GetVideoSourceConfigurations') return ok(videoSourceConfigurations2(d, f));
  if (action === 'GetSnapshotUri') return uri('GetSnapshotUriResponse', f.snapshotUri);
  if (action === 'GetStreamUri') {
    const protocol = elementText(body, 'Protocol');
    if (!protocol || !MEDIA2_PROTOCOLS.includes(protocol)) return { status: 400, xml: fault(d, 'ter:InvalidArgVal', `unsupported stream protocol ${protocol ?? '(none)'}`) };
    return uri('GetStreamUriResponse', f.rtspUri);
  }
  return undefined;
}

/** The configuration types named in a Media2 GetProfiles request (several <Type> elements may be given). */
function requestedTypes(body: string): string[] {
  return [...body.matchAll(/<(?:[\w.-]+:)?Type(?:\s[^>]*)?>([^<]*)</g)].map((m) => m[1]!.trim()).filter((t) => MEDIA2_TYPES.includes(t));
}

function videoSourceConfigBody(d: Dialect, f: DeviceFacts): string {
  const tt = (n: string) => q(d.tt, n);
  return (
    `<${tt('Name')}>${esc(d.profile.videoSourceConfigName)}</${tt('Name')}><${tt('UseCount')}>1</${tt('UseCount')}>` +
    `<${tt('SourceToken')}>${esc(d.profile.videoSource)}</${tt('SourceToken')}><${tt('Bounds')} x="0" y="0" width="${f.width}" height="${f.height}"/>`
  );
}

function encoderBody(d: Dialect, f: DeviceFacts, media2: boolean): string {
  const tt = (n: string) => q(d.tt, n);
  const el = (n: string, v: string | number) => `<${tt(n)}>${v}</${tt(n)}>`;
  const rate = media2 ? el('FrameRateLimit', f.fps) + el('BitrateLimit', 512) : el('FrameRateLimit', f.fps) + el('EncodingInterval', 1) + el('BitrateLimit', 512);
  return (
    el('Name', esc(d.profile.videoEncoderConfigName)) +
    el('UseCount', 1) +
    el('Encoding', 'H264') +
    `<${tt('Resolution')}>${el('Width', f.width)}${el('Height', f.height)}</${tt('Resolution')}>` +
    `<${tt('RateControl')}>${rate}</${tt('RateControl')}>` +
    (media2 ? el('Quality', 5) : el('Quality', 5) + el('SessionTimeout', 'PT60S'))
  );
}

function videoSources(d: Dialect, f: DeviceFacts): string {
  const [trt, tt] = [(n: string) => q(d.trt, n), (n: string) => q(d.tt, n)];
  return envelope(
    d,
    `<${trt('GetVideoSourcesResponse')}><${trt('VideoSources')} token="${esc(d.profile.videoSource)}"><${tt('Framerate')}>${f.fps}</${tt('Framerate')}>` +
      `<${tt('Resolution')}><${tt('Width')}>${f.width}</${tt('Width')}><${tt('Height')}>${f.height}</${tt('Height')}></${tt('Resolution')}>` +
      `</${trt('VideoSources')}></${trt('GetVideoSourcesResponse')}>`,
  );
}

function profiles(d: Dialect, f: DeviceFacts): string {
  const [trt, tt] = [(n: string) => q(d.trt, n), (n: string) => q(d.tt, n)];
  const p = d.profile;
  return envelope(
    d,
    `<${trt('GetProfilesResponse')}><${trt('Profiles')} token="${esc(p.profile)}" fixed="true"><${tt('Name')}>${esc(p.profileName)}</${tt('Name')}>` +
      `<${tt('VideoSourceConfiguration')} token="${esc(p.videoSourceConfig)}">${videoSourceConfigBody(d, f)}</${tt('VideoSourceConfiguration')}>` +
      `<${tt('VideoEncoderConfiguration')} token="${esc(p.videoEncoderConfig)}">${encoderBody(d, f, false)}</${tt('VideoEncoderConfiguration')}>` +
      `</${trt('Profiles')}>${f.emptyProfile ? `<${trt('Profiles')} token="${esc(f.emptyProfile)}" fixed="false"><${tt('Name')}>${esc(f.emptyProfile)}</${tt('Name')}></${trt('Profiles')}>` : ''}` +
      `</${trt('GetProfilesResponse')}>`,
  );
}

function profiles2(d: Dialect, f: DeviceFacts, types: string[]): string {
  const tr2 = (n: string) => q(d.tr2, n);
  const p = d.profile;
  const want = (t: string) => types.includes('All') || types.includes(t);
  const source = want('VideoSource') ? `<${tr2('VideoSource')} token="${esc(p.videoSourceConfig)}">${videoSourceConfigBody(d, f)}</${tr2('VideoSource')}>` : '';
  const encoder = want('VideoEncoder')
    ? `<${tr2('VideoEncoder')} token="${esc(p.videoEncoderConfig)}" GovLength="32" Profile="Main">${encoderBody(d, f, true)}</${tr2('VideoEncoder')}>`
    : '';
  const configurations = source || encoder ? `<${tr2('Configurations')}>${source}${encoder}</${tr2('Configurations')}>` : '';
  return envelope(
    d,
    `<${tr2('GetProfilesResponse')}><${tr2('Profiles')} token="${esc(p.profile)}" fixed="true"><${tr2('Name')}>${esc(p.profileName)}</${tr2('Name')}>` +
      `${configurations}</${tr2('Profiles')}>` +
      (f.emptyProfile ? `<${tr2('Profiles')} token="${esc(f.emptyProfile)}" fixed="false"><${tr2('Name')}>${esc(f.emptyProfile)}</${tr2('Name')}></${tr2('Profiles')}>` : '') +
      `</${tr2('GetProfilesResponse')}>`,
  );
}

function videoSourceConfigurations2(d: Dialect, f: DeviceFacts): string {
  const tr2 = (n: string) => q(d.tr2, n);
  return envelope(
    d,
    `<${tr2('GetVideoSourceConfigurationsResponse')}><${tr2('Configurations')} token="${esc(d.profile.videoSourceConfig)}">${videoSourceConfigBody(d, f)}` +
      `</${tr2('Configurations')}></${tr2('GetVideoSourceConfigurationsResponse')}>`,
  );
}

function mediaUri(d: Dialect, kind: 'GetStreamUriResponse' | 'GetSnapshotUriResponse', uri: string): string {
  const [trt, tt] = [(n: string) => q(d.trt, n), (n: string) => q(d.tt, n)];
  return envelope(
    d,
    `<${trt(kind)}><${trt('MediaUri')}><${tt('Uri')}>${esc(uri)}</${tt('Uri')}><${tt('InvalidAfterConnect')}>false</${tt('InvalidAfterConnect')}>` +
      `<${tt('InvalidAfterReboot')}>false</${tt('InvalidAfterReboot')}><${tt('Timeout')}>PT0S</${tt('Timeout')}></${trt('MediaUri')}></${trt(kind)}>`,
  );
}
