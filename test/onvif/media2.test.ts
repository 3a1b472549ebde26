/**
 * Media2 (ONVIF Profile T, ver20/media/wsdl): a camera that lists Media2 in GetServices is
 * read through it (profiles, stream and snapshot URIs); one whose Media2 faults falls back
 * to Media1; a Media2-only camera finds its video sources through Media2. Against the
 * simulator and against the replay camera serving a real camera's Media2 answer shapes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { media2ProfilesFromXml } from '../../devices/onvif/media-setup.js';
import { CameraSim } from '../../simulators/onvif/camera-sim.js';
import { profileT, SERVICE_NAMESPACES, type Dialect } from '../../simulators/onvif/dialects.js';
import { waitFor } from '../helpers/daemon.js';
import { ReplayCamera } from './replay-camera.js';
import { cameraHarness } from './harness.js';

const PASSWORD = 'media2-pw';
const RTSP = 'rtsp://127.0.0.1:8554/media2-cam';
const { media: MEDIA1, media2: MEDIA2 } = SERVICE_NAMESPACES;

const cams = cameraHarness();

function simCamera(dialect: Dialect, emptyProfile = ''): Promise<CameraSim> {
  return cams.camera(new CameraSim({ username: 'contactd', password: PASSWORD, dialect, rtspUri: RTSP, pullHoldMs: 100, facts: { emptyProfile } }));
}

const serve = (deviceUrl: string) => cams.serve([{ id: 'cam-t', url: deviceUrl }], { password: PASSWORD, driver: { maxBackoffMs: 200 } });

/** The media requests the simulator answered, as "namespace action". */
const mediaCalls = (sim: CameraSim) =>
  sim.calls.filter((c) => c.namespace === MEDIA1 || c.namespace === MEDIA2).map((c) => `${c.namespace === MEDIA2 ? 'media2' : 'media1'} ${c.action}`);

describe('a Profile T camera offering Media2', () => {
  it('is read through Media2: profiles, stream and snapshot URIs', async () => {
    const sim = await simCamera(profileT);
    const { status, online } = await serve(sim.deviceUrl);
    await waitFor('online', () => online().length === 1, 6000);
    expect(status().info).toMatchObject({ profileToken: 'Profile_1', streamUri: RTSP, snapshotUri: expect.stringMatching(/snapshot\.jpg$/) });
    const calls = mediaCalls(sim);
    expect(calls).toEqual(expect.arrayContaining(['media2 GetProfiles', 'media2 GetStreamUri', 'media2 GetSnapshotUri']));
    expect(calls).not.toContain('media1 GetProfiles');
    expect(calls).not.toContain('media1 GetStreamUri');
  });

  it('whose Media2 answers SOAP faults falls back to Media1 and still connects', async () => {
    const sim = await simCamera(profileT);
    sim.faults.media2Broken = true;
    const { status, online } = await serve(sim.deviceUrl);
    await waitFor('online', () => online().length === 1, 6000);
    expect(status().info).toMatchObject({ profileToken: 'Profile_1', streamUri: RTSP });
    expect(status().counters.connectFailures).toBe(0);
    const calls = mediaCalls(sim);
    expect(calls.indexOf('media2 GetProfiles')).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf('media1 GetProfiles')).toBeGreaterThan(calls.indexOf('media2 GetProfiles'));
    expect(calls).toContain('media1 GetStreamUri');
    expect(calls).not.toContain('media2 GetStreamUri');
  });

  it('with Media2 only finds its video sources through Media2 and connects', async () => {
    const sim = await simCamera({ ...profileT, name: 'media2-only', services: profileT.services.filter((s) => s.name !== 'media') });
    const { status, online } = await serve(sim.deviceUrl);
    await waitFor('online', () => online().length === 1, 6000);
    expect(status().info.streamUri).toBe(RTSP);
    const calls = mediaCalls(sim);
    expect(calls).toContain('media2 GetVideoSourceConfigurations');
    expect(calls.filter((c) => c.startsWith('media1'))).toEqual([]);
  });

  it('with an empty profile (no configurations) beside the streaming one is still read through Media2', async () => {
    // Media2-only, so a failed Media2 GetProfiles could not be rescued by Media1.
    const sim = await simCamera({ ...profileT, name: 'media2-only', services: profileT.services.filter((s) => s.name !== 'media') }, 'Profile_VMS');
    const { status, online } = await serve(sim.deviceUrl);
    await waitFor('online', () => online().length === 1, 6000);
    expect(status().info).toMatchObject({ profileToken: 'Profile_1', streamUri: RTSP });
    expect(status().counters.connectFailures).toBe(0);
  });

  it('with Media2 only and Media2 failing is a logged, counted connect failure', async () => {
    const sim = await simCamera({ ...profileT, name: 'media2-only', services: profileT.services.filter((s) => s.name !== 'media') });
    sim.faults.media2Broken = true;
    const { status, logs, online } = await serve(sim.deviceUrl);
    await waitFor('connect failures counted', () => status().counters.connectFailures >= 2, 6000);
    expect(online()).toEqual([]);
    const warning = logs.find((l) => l.msg === 'camera unreachable');
    expect(String(warning?.reason)).toMatch(/refused GetProfiles: .*Media2 service failed/);
  });

  it('answers the real Media2 shapes of a captured camera (agsh/onvif#233) through Media2', async () => {
    const camera = await cams.camera(new ReplayCamera({ vendor: 'media2', username: 'contactd', password: PASSWORD, pullHoldMs: 100 }));
    const { status, online } = await serve(camera.deviceUrl);
    await waitFor('online', () => online().length === 1, 6000);
    expect(status().info).toMatchObject({
      profileToken: 'profile_1_h264',
      streamUri: 'rtsp://127.0.0.1/onvif-media/media.amp?profile=profile_1_h264&sessiontimeout=60&streamtype=unicast',
      snapshotUri: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/onvif-cgi\/jpg\/image\.cgi\?/),
    });
    // Media1 would have answered common/GetProfiles.xml (Profile_1) and a /Streaming/Channels/101 URI.
    expect(camera.requests.filter((r) => r.action === 'GetStreamUri')).toHaveLength(1);
  });
});

describe('reading a Media2 GetProfiles answer the package could not convert', () => {
  const envelope = (inner: string) =>
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tr2="http://www.onvif.org/ver20/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema"><s:Body><tr2:GetProfilesResponse>${inner}</tr2:GetProfilesResponse></s:Body></s:Envelope>`;

  it('keeps profiles without configurations and maps the others to the Media1 shape', async () => {
    const profiles = await media2ProfilesFromXml(
      envelope(
        '<tr2:Profiles token="P1" fixed="true"><tr2:Name>main</tr2:Name><tr2:Configurations><tr2:VideoSource token="0"><tt:SourceToken>0</tt:SourceToken></tr2:VideoSource>' +
          '<tr2:VideoEncoder token="E1"><tt:Encoding>H264</tt:Encoding></tr2:VideoEncoder></tr2:Configurations></tr2:Profiles><tr2:Profiles token="Empty" fixed="false"><tr2:Name>Empty</tr2:Name></tr2:Profiles>',
      ),
    );
    expect(profiles).toHaveLength(2);
    expect(profiles[0]).toMatchObject({ $: { token: 'P1' }, videoSourceConfiguration: { sourceToken: 0 }, videoEncoderConfiguration: { encoding: 'H264' } });
    expect(profiles[1]).toMatchObject({ $: { token: 'Empty' }, videoSourceConfiguration: undefined });
  });

  it('settles on any input: an array of profiles or a rejection, never a throw or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string().map(envelope)), async (xml) => {
        const result = await media2ProfilesFromXml(xml).then(
          (profiles) => Array.isArray(profiles),
          (e: unknown) => e instanceof Error,
        );
        expect(result).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
