import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CameraSim } from '../../simulators/onvif/camera-sim.js';
import { axisLike, profileT, tapoLike } from '../../simulators/onvif/dialects.js';
import { parseNotification, stripTopicPrefixes } from '../../devices/onvif/event-topics.js';

let sim: CameraSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** A UsernameToken header shaped the way zeep / python-onvif / ONVIF Device Manager send it (wsse/wsu prefixes). */
function wsseHeader(username: string, password: string, created = new Date().toISOString()): string {
  const nonce = randomBytes(16);
  const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)])).digest('base64');
  return (
    '<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ' +
    'xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>' +
    `<wsse:Username>${username}</wsse:Username><wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

const call = (url: string, header: string, body: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
    body: `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header>${header}</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`,
  });

describe('the simulator answers other ONVIF clients', () => {
  it('accepts a wsse/wsu-prefixed UsernameToken, refuses a stale or replayed one', async () => {
    sim = new CameraSim({ username: 'admin', password: 'p4ss' });
    await sim.start();
    const body = '<tds:GetDeviceInformation xmlns:tds="http://www.onvif.org/ver10/device/wsdl"/>';
    const ok = await call(sim.deviceUrl, wsseHeader('admin', 'p4ss'), body);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/<tds:Manufacturer>contactd-sim<\/tds:Manufacturer>/);
    const stale = await call(sim.deviceUrl, wsseHeader('admin', 'p4ss', new Date(Date.now() - 3_600_000).toISOString()), body);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toMatch(/NotAuthorized/);
    const header = wsseHeader('admin', 'p4ss');
    expect((await call(sim.deviceUrl, header, body)).status).toBe(200);
    expect((await call(sim.deviceUrl, header, body)).status).toBe(400);
    const none = await call(sim.deviceUrl, '', body);
    expect(none.status).toBe(400);
    // GetSystemDateAndTime answers before authentication (ONVIF Core 5.9.1).
    const time = await call(sim.deviceUrl, '', '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>');
    expect(time.status).toBe(200);
    expect(await time.text()).toMatch(/UTCDateTime/);
  });

  it('a skewed camera checks Created against its own clock', async () => {
    sim = new CameraSim({ username: 'admin', password: 'p4ss' });
    await sim.start();
    sim.faults.skewMs = 20 * 60_000;
    const body = '<GetProfiles xmlns="http://www.onvif.org/ver10/media/wsdl"/>';
    expect((await call(sim.deviceUrl, wsseHeader('admin', 'p4ss'), body)).status).toBe(400);
    expect((await call(sim.deviceUrl, wsseHeader('admin', 'p4ss', new Date(Date.now() + 20 * 60_000).toISOString()), body)).status).toBe(200);
  });
});

describe('the simulator answers Media2 (ver20) the way Profile T cameras do', () => {
  const TR2 = 'xmlns:tr2="http://www.onvif.org/ver20/media/wsdl"';
  const media2 = async (body: string) => {
    const res = await call(sim!.deviceUrl, wsseHeader('admin', 'p4ss'), body);
    return { status: res.status, text: await res.text() };
  };

  it('GetProfiles returns configurations only for the types asked for; GetStreamUri checks protocol and profile', async () => {
    sim = new CameraSim({ username: 'admin', password: 'p4ss', dialect: profileT, rtspUri: 'rtsp://127.0.0.1:554/x' });
    await sim.start();
    const bare = await media2(`<tr2:GetProfiles ${TR2}/>`);
    expect(bare.text).toMatch(/<tr2:Profiles token="Profile_1" fixed="true"><tr2:Name>mainStream<\/tr2:Name><\/tr2:Profiles>/);
    const all = await media2(`<tr2:GetProfiles ${TR2}><tr2:Type>All</tr2:Type></tr2:GetProfiles>`);
    expect(all.text).toMatch(/<tr2:Configurations><tr2:VideoSource token="VideoSourceConfig_1">.*<tt:SourceToken>VideoSource_1<\/tt:SourceToken>.*<\/tr2:VideoSource><tr2:VideoEncoder token="VideoEncoderConfig_1"/);
    const encoderOnly = await media2(`<tr2:GetProfiles ${TR2}><tr2:Type>VideoEncoder</tr2:Type></tr2:GetProfiles>`);
    expect(encoderOnly.text).toMatch(/<tr2:VideoEncoder /);
    expect(encoderOnly.text).not.toMatch(/<tr2:VideoSource /);
    const uri = await media2(`<tr2:GetStreamUri ${TR2}><tr2:Protocol>RtspUnicast</tr2:Protocol><tr2:ProfileToken>Profile_1</tr2:ProfileToken></tr2:GetStreamUri>`);
    expect(uri.text).toMatch(/<tr2:GetStreamUriResponse><tr2:Uri>rtsp:\/\/127\.0\.0\.1:554\/x<\/tr2:Uri><\/tr2:GetStreamUriResponse>/);
    expect((await media2(`<tr2:GetStreamUri ${TR2}><tr2:Protocol>Carrier-Pigeon</tr2:Protocol><tr2:ProfileToken>Profile_1</tr2:ProfileToken></tr2:GetStreamUri>`)).status).toBe(400);
    const noProfile = await media2(`<tr2:GetStreamUri ${TR2}><tr2:Protocol>RTSP</tr2:Protocol><tr2:ProfileToken>Profile_9</tr2:ProfileToken></tr2:GetStreamUri>`);
    expect(noProfile.text).toMatch(/ter:InvalidArgVal/);
  });

  it('a Profile S camera refuses Media2 requests', async () => {
    sim = new CameraSim({ username: 'admin', password: 'p4ss' });
    await sim.start();
    const refused = await media2(`<tr2:GetProfiles ${TR2}><tr2:Type>All</tr2:Type></tr2:GetProfiles>`);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/ActionNotSupported/);
  });
});

describe('vendor dialects answer device-service calls in their vendor’s shape', () => {
  const ask = async (body: string) => {
    const res = await call(sim!.deviceUrl, wsseHeader('admin', 'p4ss'), body);
    return { status: res.status, text: await res.text() };
  };
  const TDS = 'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"';

  it('Tapo: no GetServices, every service at /onvif/service in GetCapabilities, no snapshot, "Authority failure"', async () => {
    sim = new CameraSim({ username: 'admin', password: 'p4ss', dialect: tapoLike });
    await sim.start();
    const services = await ask(`<tds:GetServices ${TDS}><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>`);
    expect(services.status).toBe(400);
    expect(services.text).toMatch(/<SOAP-ENV:Envelope .*ter:ActionNotSupported/s);
    const caps = await ask(`<tds:GetCapabilities ${TDS}><tds:Category>All</tds:Category></tds:GetCapabilities>`);
    const xaddrs = [...caps.text.matchAll(/<tt:XAddr>([^<]+)<\/tt:XAddr>/g)].map((m) => new URL(m[1]!).pathname);
    expect(new Set(xaddrs)).toEqual(new Set(['/onvif/service']));
    expect(xaddrs.length).toBeGreaterThanOrEqual(3);
    const snapshot = await ask('<trt:GetSnapshotUri xmlns:trt="http://www.onvif.org/ver10/media/wsdl"><trt:ProfileToken>Profile_1</trt:ProfileToken></trt:GetSnapshotUri>');
    expect(snapshot.text).toMatch(/ActionNotSupported/);
    const refused = await call(sim.deviceUrl, wsseHeader('admin', 'wrong'), `<tds:GetDeviceInformation ${TDS}/>`);
    expect(await refused.text()).toMatch(/NotAuthorized.*Authority failure/s);
  });

  it('Axis: GetServices lists Media2 at /onvif/services beside Media1; Media2 profile tokens are Axis’s', async () => {
    sim = new CameraSim({ username: 'admin', password: 'p4ss', dialect: axisLike });
    await sim.start();
    const services = await ask(`<tds:GetServices ${TDS}><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>`);
    expect(services.text).toMatch(/<tds:Namespace>http:\/\/www\.onvif\.org\/ver20\/media\/wsdl<\/tds:Namespace><tds:XAddr>http:\/\/127\.0\.0\.1:\d+\/onvif\/services<\/tds:XAddr>/);
    expect(services.text).toMatch(/ver10\/media\/wsdl/);
    const profiles = await ask('<tr2:GetProfiles xmlns:tr2="http://www.onvif.org/ver20/media/wsdl"><tr2:Type>All</tr2:Type></tr2:GetProfiles>');
    expect(profiles.text).toMatch(/<tr2:Profiles token="profile_1_h264" fixed="true"><tr2:Name>profile_1 h264<\/tr2:Name>.*<tr2:VideoSource token="0"><tt:Name>user0<\/tt:Name>.*<tt:SourceToken>0<\/tt:SourceToken>/s);
  });
});

describe('notification parsing', () => {
  it('strips any namespace prefix from topics', () => {
    expect(stripTopicPrefixes('tns1:Device/tnsaxis:IO/Port')).toBe('Device/IO/Port');
    expect(stripTopicPrefixes(' ns7:RuleEngine/CellMotionDetector/Motion ')).toBe('RuleEngine/CellMotionDetector/Motion');
  });

  it('reads a single SimpleItem or an array, booleans as true/1/"true"', () => {
    const msg = (value: unknown, items: unknown) => ({
      topic: { _: 'tns1:Device/Trigger/DigitalInput', $: { Dialect: 'x' } },
      message: { message: { $: { UtcTime: new Date(1000), PropertyOperation: 'Changed' }, source: { simpleItem: items }, data: { simpleItem: { $: { Name: 'LogicalState', Value: value } } } } },
    });
    for (const v of [true, 'true', 1, '1']) {
      expect(parseNotification(msg(v, { $: { Name: 'InputToken', Value: 'DI_1' } }))).toEqual({
        ok: true,
        signal: { kind: 'digital-input', input: 'DI_1', active: true, initial: false, cameraTime: 1000 },
      });
    }
    expect(parseNotification(msg('maybe', [{ $: { Name: 'InputToken', Value: 'DI_1' } }]))).toEqual({ ok: false, reason: 'malformed', topic: 'Device/Trigger/DigitalInput' });
    expect(parseNotification({ topic: { _: 'tns1:Device/HardwareFailure/StorageFailure' } })).toMatchObject({ ok: false, reason: 'unknown-topic' });
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = parseNotification(v);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string(), fc.anything(), fc.anything(), (topic, data, source) => {
        parseNotification({ topic: { _: `tns1:${topic}` }, message: { message: { $: {}, data, source } } });
        parseNotification({ topic: 'tns1:Device/Trigger/DigitalInput', message: { message: { $: { UtcTime: topic }, data, source } } });
      }),
      { numRuns: 2000 },
    );
  });
});
