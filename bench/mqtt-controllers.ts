/**
 * The device side of the MQTT benchmark, in a process of its own (as real controllers
 * are separate boxes): 50 simulated own-dialect controllers presenting cards at a steady
 * rate and timing each unlock command they receive, and bare devices timing a
 * request/response through the same broker (the baseline): one connection per door, as the
 * controllers have, and, for comparison, all doors over one connection. The three take turns
 * in short slots, so a slow spell of the shared machine (or of its host) falls on all alike.
 * All clocks are this process's, so no time crosses a process boundary. Driven by
 * bench/mqtt.ts over IPC.
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
  /** Length of one turn; daemon and bare turns take turns until each side has had `ms`. */
  slotMs: number;
}

export interface ControllersResult {
  /** Card presented -> unlock received, through the daemon. */
  daemon: number[];
  /** Request -> response, through a bare responder beside the broker, one device connection per door (the baseline). */
  bare: number[];
  /** The same, all doors over one device connection (the bench's earlier baseline, reported for comparison). */
  bareOneConnection: number[];
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

/**
 * Requests on bench/bare/req/N, answered by a responder beside the broker on bench/bare/resp/N,
 * from `connections` device connections: one per door (as the controllers are, so the baseline
 * has the daemon side's 50 sockets, and the daemon is the only difference), or all doors over one.
 */
async function bareDevices(job: ControllersJob, connections: number, name: string) {
  const devices = await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const device = await mqtt.connectAsync(job.url, { clientId: `bench-bare-${name}-${c}`, ...quietMqttLog() });
      noDelay(device);
      // Door N's responses come back to the connection that asked.
      const doors = Array.from({ length: job.doors }, (_, n) => n).filter((n) => n % connections === c);
      await device.subscribeAsync(doors.map((n) => `bench/bare/resp/${n}`), { qos: 1 });
      return device;
    }),
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  for (const device of devices) {
    device.on('message', (_t, payload) => {
      const t0 = sentAt.get(payload.toString());
      if (t0 !== undefined) latencies.push(performance.now() - t0);
    });
  }
  return {
    latencies,
    present(i: number, timed: boolean) {
      const id = `${name}${timed ? 't' : 'w'}${i}`;
      const door = i % job.doors;
      if (timed) sentAt.set(id, performance.now());
      devices[door % connections]!.publish(`bench/bare/req/${door}`, id, { qos: 1 });
    },
    stop: () => Promise.all(devices.map((d) => d.endAsync())),
  };
}

async function run(job: ControllersJob): Promise<ControllersResult> {
  const daemon = await controllers(job);
  const bare = await bareDevices(job, job.doors, 'door');
  const bareOne = await bareDevices(job, 1, 'one');
  const sides = [daemon, bare, bareOne];
  // Warm-up of every path: JIT, SQLite pages, broker subscriptions.
  for (const side of sides) await drive(500, job.rate, (i) => side.present(i, false));
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
    sent += await drive(job.slotMs, job.rate, (i) => bareOne.present(i, true), sent);
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const side of sides) await side.stop();
  return { daemon: daemon.latencies, bare: bare.latencies, bareOneConnection: bareOne.latencies, rate: daemonSent / (daemonMs / 1000) };
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
