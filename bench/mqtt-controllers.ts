/**
 * The device side of the MQTT benchmark, in a process of its own (as real controllers
 * are separate boxes): 50 simulated own-dialect controllers presenting cards at a steady
 * rate and timing each unlock command they receive, and one bare client timing a
 * request/response through the same broker (the baseline). The two take turns in short
 * slots, so a slow spell of the shared machine (or of its host) falls on both alike. Both
 * clocks are this process's, so no time crosses a process boundary. Driven by bench/mqtt.ts
 * over IPC.
 */
import mqtt from 'mqtt';
import { noDelay, quietMqttLog } from '../devices/mqtt-broker/index.js';
import { OwnDialectController } from '../simulators/mqtt-door/index.js';

export interface ControllersJob {
  url: string;
  siteId: string;
  doors: number;
  rate: number;
  /** Measured time per side. */
  ms: number;
  /** Length of one turn; daemon and bare turns alternate until each side has had `ms`. */
  slotMs: number;
}

export interface ControllersResult {
  /** Card presented -> unlock received, through the daemon. */
  daemon: number[];
  /** Request -> response, through a bare responder beside the broker. */
  bare: number[];
  /** Presentations per second achieved during the daemon's turns. */
  rate: number;
}

/** Calls `tick(i)` `rate` times a second for `ms`, catching up when the event loop lags; returns the count. */
export async function drive(ms: number, rate: number, tick: (i: number) => void, first = 0): Promise<number> {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) tick(first + sent++);
    await new Promise((r) => setTimeout(r, 1));
  }
  return sent;
}

/** The 50 controllers: `present(i)` taps card i at its door; `timed` latencies are kept. */
async function controllers(job: ControllersJob) {
  const sims = Array.from({ length: job.doors }, (_, i) =>
    new OwnDialectController({ url: job.url, topicPrefix: 'contactd', siteId: job.siteId, deviceId: `d${i}`, readers: new Map([[`d${i}-in`, `d${i}`]]) }),
  );
  await Promise.all(sims.map((s) => s.start()));
  const presentedAt = new Map<string, number>();
  const latencies: number[] = [];
  for (const s of sims) {
    s.relay.on('unlock', (u) => {
      const t0 = presentedAt.get(u.doorId);
      // Timed when the command reaches the controller, as the bare round trip is timed when its
      // response reaches the device: the controller's own checks before its relay are not the daemon's.
      if (t0 !== undefined) latencies.push(u.receivedPerfAt - t0);
      presentedAt.delete(u.doorId);
    });
  }
  return {
    latencies,
    present(i: number, timed: boolean) {
      const door = i % job.doors;
      if (timed) presentedAt.set(`d${door}`, performance.now());
      sims[door]!.presentCard(`d${door}-in`, `card-${door}`);
    },
    stop: () => Promise.all(sims.map((s) => s.stop())),
  };
}

/** Request on bench/bare/req/N, answered by a responder beside the broker on bench/bare/resp/N. */
async function bareDevice(job: ControllersJob) {
  const device = await mqtt.connectAsync(job.url, { clientId: 'bench-bare-device', ...quietMqttLog() });
  noDelay(device);
  await device.subscribeAsync('bench/bare/resp/+', { qos: 1 });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  device.on('message', (_t, payload) => {
    const t0 = sentAt.get(payload.toString());
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  });
  return {
    latencies,
    present(i: number, timed: boolean) {
      const id = `${timed ? 't' : 'w'}${i}`;
      if (timed) sentAt.set(id, performance.now());
      device.publish(`bench/bare/req/${i % job.doors}`, id, { qos: 1 });
    },
    stop: () => device.endAsync(),
  };
}

async function run(job: ControllersJob): Promise<ControllersResult> {
  const daemon = await controllers(job);
  const bare = await bareDevice(job);
  // Warm-up of both paths: JIT, SQLite pages, broker subscriptions.
  await drive(500, job.rate, (i) => daemon.present(i, false));
  await drive(500, job.rate, (i) => bare.present(i, false));
  await new Promise((r) => setTimeout(r, 300));
  let daemonMs = 0;
  let daemonSent = 0;
  let sent = 0;
  for (let turn = 0; turn * job.slotMs < job.ms; turn++) {
    const start = performance.now();
    const n = await drive(job.slotMs, job.rate, (i) => daemon.present(i, true), sent);
    daemonMs += performance.now() - start;
    daemonSent += n;
    sent += n;
    sent += await drive(job.slotMs, job.rate, (i) => bare.present(i, true), sent);
  }
  await new Promise((r) => setTimeout(r, 500));
  await daemon.stop();
  await bare.stop();
  return { daemon: daemon.latencies, bare: bare.latencies, rate: daemonSent / (daemonMs / 1000) };
}

process.once('message', (job: ControllersJob) => {
  void run(job).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
