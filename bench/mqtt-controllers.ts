/**
 * The device side of the MQTT benchmark, in a process of its own (as real controllers
 * are separate boxes): 50 simulated own-dialect controllers presenting cards at a steady
 * rate and timing each unlock command they receive, or, for the baseline, one bare
 * client timing a request/response through the same broker. Both clocks are this
 * process's, so no time crosses a process boundary. Driven by bench/mqtt.ts over IPC.
 */
import mqtt from 'mqtt';
import { noDelay } from '../devices/mqtt-broker/index.js';
import { OwnDialectController } from '../simulators/mqtt-door/index.js';

export interface ControllersJob {
  mode: 'daemon' | 'bare';
  url: string;
  siteId: string;
  doors: number;
  rate: number;
  ms: number;
}

export interface ControllersResult {
  latencies: number[];
  rate: number;
}

/** Calls `tick(i)` `rate` times a second for `ms`, catching up when the event loop lags. */
export async function drive(ms: number, rate: number, tick: (i: number) => void): Promise<number> {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < ms) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) tick(sent++);
    await new Promise((r) => setTimeout(r, 1));
  }
  return sent / ((performance.now() - start) / 1000);
}

async function throughDaemon(job: ControllersJob): Promise<ControllersResult> {
  const sims = Array.from({ length: job.doors }, (_, i) =>
    new OwnDialectController({ url: job.url, topicPrefix: 'contactd', siteId: job.siteId, deviceId: `d${i}`, readers: new Map([[`d${i}-in`, `d${i}`]]) }),
  );
  await Promise.all(sims.map((s) => s.start()));
  const presentedAt = new Map<string, number>();
  const latencies: number[] = [];
  for (const s of sims) {
    s.relay.on('unlock', (u) => {
      const t0 = presentedAt.get(u.doorId);
      if (t0 !== undefined) latencies.push(u.perfAt - t0);
      presentedAt.delete(u.doorId);
    });
  }
  const tap = (i: number) => sims[i % job.doors]!.presentCard(`d${i % job.doors}-in`, `card-${i % job.doors}`);
  await drive(500, job.rate, tap); // warm-up: JIT, SQLite pages, broker subscriptions
  await new Promise((r) => setTimeout(r, 300));
  latencies.length = 0;
  const rate = await drive(job.ms, job.rate, (i) => {
    presentedAt.set(`d${i % job.doors}`, performance.now());
    tap(i);
  });
  await new Promise((r) => setTimeout(r, 500));
  await Promise.all(sims.map((s) => s.stop()));
  return { latencies, rate };
}

/** Request on bench/bare/req/N, answered by a responder beside the broker on bench/bare/resp/N. */
async function bare(job: ControllersJob): Promise<ControllersResult> {
  const device = await mqtt.connectAsync(job.url, { clientId: 'bench-bare-device' });
  noDelay(device);
  await device.subscribeAsync('bench/bare/resp/+', { qos: 1 });
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  device.on('message', (_t, payload) => {
    const t0 = sentAt.get(payload.toString());
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  });
  const ask = (i: number, timed: boolean) => {
    const id = `${timed ? 't' : 'w'}${i}`;
    if (timed) sentAt.set(id, performance.now());
    device.publish(`bench/bare/req/${i % job.doors}`, id, { qos: 1 });
  };
  await drive(500, job.rate, (i) => ask(i, false));
  await new Promise((r) => setTimeout(r, 300));
  const rate = await drive(job.ms, job.rate, (i) => ask(i, true));
  await new Promise((r) => setTimeout(r, 500));
  await device.endAsync();
  return { latencies, rate };
}

process.once('message', (job: ControllersJob) => {
  void (job.mode === 'daemon' ? throughDaemon(job) : bare(job)).then(
    (result) => process.send!(result, () => process.exit(0)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
