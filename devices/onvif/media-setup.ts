/**
 * The camera's media setup (services, profiles, video sources), read step by step by the
 * driver instead of through the onvif package's connect(). That connect() ends in
 * getActiveSources, which throws 'Unrecognized configuration' from inside an HTTP response
 * callback when no profile uses the camera's first video source (a profile whose
 * VideoSourceConfiguration/SourceToken names a source GetVideoSources did not return).
 * In 0.8.3 xml2js happens to catch that throw and calls back a second time, which connect()
 * ignores: connect() then never settles and the camera is silently never retried; a
 * different xml2js would let it escape as an uncaughtException. Calling the same public
 * requests here keeps getActiveSources out of the path, and a mismatch becomes a connect
 * failure with a reason an installer can act on.
 */
import { createRequire } from 'node:module';
import type { OnvifCam } from './onvif-client.js';

/** The package's own SOAP parsing (xml2js + linerase), to read an answer its getProfiles could not convert. */
const packageUtils = createRequire(import.meta.url)('onvif/lib/utils.js') as {
  parseSOAPString(xml: string, callback: (err: Error | null, body: unknown) => void, statusCode: number): void;
  linerase(v: unknown): unknown;
};

export type ProfileChoice = { ok: true; profileToken: string; sourceToken?: string } | { ok: false; reason: string };

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A text or number field of the package's parsed XML as a string. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
/** The token attribute of a tt:Profile / tt:VideoSource as the package parses it ({ $: { token } }). */
const tokenOf = (v: unknown): string | undefined => (isObject(v) && isObject(v.$) ? str(v.$.token) : undefined);

/**
 * The profile to stream: the first with both a video source and a video encoder
 * configuration (what GetStreamUri needs, ONVIF Media 5.15.1) whose SourceToken is one of
 * the camera's video sources (ONVIF Media 5.2: a profile's VideoSourceConfiguration binds it
 * to a VideoSource). Like the package, a SourceToken equal to the configuration's Name also
 * counts. Without a video source list (GetVideoSources refused) the first such profile.
 * Never throws, whatever the camera sent.
 */
export function chooseProfile(profiles: unknown, videoSources: unknown): ProfileChoice {
  const all = list(profiles).filter((p): p is Loose => isObject(p) && tokenOf(p) !== undefined);
  if (all.length === 0) return { ok: false, reason: 'camera has no media profiles; create one in its web interface' };
  const streamable = all.filter((p) => isObject(p.videoSourceConfiguration) && isObject(p.videoEncoderConfiguration));
  if (streamable.length === 0) {
    return { ok: false, reason: 'no media profile of the camera has both a video source and a video encoder configuration; fix its media profiles' };
  }
  const sourceOf = (p: Loose) => str((p.videoSourceConfiguration as Loose).sourceToken);
  const sources = videoSources === undefined ? [] : list(videoSources).map(tokenOf).filter((t): t is string => t !== undefined);
  if (sources.length === 0) return { ok: true, profileToken: tokenOf(streamable[0])!, sourceToken: sourceOf(streamable[0]!) };
  const match = streamable.find((p) => {
    const source = sourceOf(p);
    return source !== undefined && (sources.includes(source) || source === str((p.videoSourceConfiguration as Loose).name));
  });
  if (match) return { ok: true, profileToken: tokenOf(match)!, sourceToken: sourceOf(match) };
  const used = streamable
    .slice(0, 4)
    .map((p) => `${tokenOf(p)} uses ${sourceOf(p) ?? 'no source'}`)
    .join(', ');
  return {
    ok: false,
    reason: `camera's media profiles match none of its video sources (${used}; video sources: ${sources.slice(0, 4).join(', ')}); fix the camera's media profile configuration`,
  };
}

/**
 * GetServices (ONVIF Core 8.1.2.1; GetCapabilities on cameras older than it), GetProfiles
 * (Media2 first when offered, Media1 if the camera's Media2 fails, as the package's
 * connect() does for buggy Media2 firmware) and GetVideoSources, then the profile to use.
 * Throws an Error with the reason when the camera has nothing to stream.
 */
export async function readMediaSetup(cam: OnvifCam): Promise<{ profileToken: string; sourceToken?: string }> {
  await cam.getServices(true).catch(() => cam.getCapabilities());
  const uri = Reflect.get(cam, 'uri') as Loose | undefined;
  const media2 = Reflect.get(cam, 'media2Support') === true && uri?.media2 !== undefined;
  if (!uri?.media && !media2) throw new Error('camera offers no media service (ONVIF Profile S or T); it cannot be recorded');
  let profiles: unknown;
  try {
    profiles = media2 ? await getProfilesMedia2(cam) : await cam.getProfiles();
  } catch (e) {
    if (!media2 || !uri?.media) throw new Error(`camera refused GetProfiles: ${(e as Error).message}`);
    // The package's promise proxy assigns through but reports false (see skew.ts): Reflect.set.
    Reflect.set(cam, 'media2Support', false);
    profiles = await cam.getProfiles().catch((e2: Error) => {
      throw new Error(`camera refused GetProfiles: ${e2.message}`);
    });
  }
  const sources = await cam.getVideoSources().catch(() => undefined);
  const choice = chooseProfile(profiles, sources);
  if (!choice.ok) throw new Error(choice.reason);
  return choice;
}

/**
 * Media2 GetProfiles through the package, read again from the camera's raw answer when the
 * package's conversion throws. onvif 0.8.3 maps every tr2:Profiles as if it held
 * tr2:Configurations (`tmp.configurations.videoSource`), but Media2 5.2.1 makes them optional:
 * one profile without any (an empty profile a VMS created) fails the whole call with a
 * TypeError although the camera answered well, and a Media2-only camera could not connect.
 */
async function getProfilesMedia2(cam: OnvifCam): Promise<unknown> {
  let raw: { xml: string; status: number } | undefined;
  const onRaw = (xml: string, status: number) => (raw = { xml, status });
  cam.on('rawResponse', onRaw);
  try {
    return await cam.getProfiles();
  } catch (e) {
    if (!(e instanceof TypeError) || raw?.status !== 200) throw e;
    return await media2ProfilesFromXml(raw.xml);
  } finally {
    cam.off('rawResponse', onRaw);
  }
}

/** tr2:Profiles of a GetProfilesResponse in the package's Media1 shape (what chooseProfile reads). */
export async function media2ProfilesFromXml(xml: string): Promise<Loose[]> {
  const body = await new Promise<unknown>((resolve, reject) => packageUtils.parseSOAPString(xml, (err, parsed) => (err ? reject(err) : resolve(parsed)), 200));
  const response = list(isObject(list(body)[0]) ? (list(body)[0] as Loose).getProfilesResponse : undefined)[0];
  const raw = isObject(response) ? list(response.profiles) : [];
  return raw.map((p) => {
    const profile = packageUtils.linerase(p);
    const tmp: Loose = isObject(profile) ? profile : {};
    const configurations: Loose = isObject(tmp.configurations) ? tmp.configurations : {};
    return { $: tmp.$, name: tmp.name, videoSourceConfiguration: configurations.videoSource, videoEncoderConfiguration: configurations.videoEncoder };
  });
}
