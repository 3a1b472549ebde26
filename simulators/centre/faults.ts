/**
 * What real hardware (and a frightened visitor) does during a day: a panic button is
 * pressed, an OSDP reader goes silent, a door controller loses power, the MQTT broker
 * restarts, a camera drops (no segments, a gap in the footage index). Each is scheduled at a seeded moment of the day and carried out on the real
 * simulators; the daemon must notice (alerts) and keep every door fail-secure.
 * OSDP liveness runs on real time (8 s without a reply), so a silent reader stays
 * silent for at least that long in real time, while the simulated day goes on.
 */
import type { Rng } from '../../src/domain/sim/rng.js';
import type { OwnDialectController } from '../mqtt-door/own-controller.js';
import { bump, type Tally } from './report.js';
import type { CentreRig } from './rig.js';

export type FaultKind = 'panic' | 'reader-offline' | 'controller-power-cut' | 'broker-restart' | 'camera-offline';
export type FaultMode = 'random' | 'all' | 'none';

const CHANCE: Record<FaultKind, number> = { 'panic': 0.5, 'reader-offline': 0.3, 'controller-power-cut': 0.3, 'broker-restart': 0.25, 'camera-offline': 0.3 };
/** Real time a silenced reader stays silent: past the CP's 8 s offline limit. */
const READER_SILENT_REAL_MS = 9_500;

interface Scheduled {
  kind: FaultKind;
  at: number;
  done: boolean;
}

interface Active {
  end: (now: number) => Promise<boolean>;
}

export class FaultSchedule {
  private readonly planned: Scheduled[] = [];
  private readonly active: Active[] = [];

  constructor(
    private readonly rig: CentreRig,
    private readonly rng: Rng,
    private readonly tally: Tally,
    mode: FaultMode,
    from: number,
    to: number,
  ) {
    if (mode === 'none' || to <= from) return;
    for (const kind of Object.keys(CHANCE) as FaultKind[]) {
      if (mode === 'random' && !rng.chance(CHANCE[kind])) continue;
      this.planned.push({ kind, at: from + Math.floor(rng.next() * (to - from)), done: false });
    }
  }

  get busy(): boolean {
    return this.active.length > 0;
  }

  async tick(now: number): Promise<void> {
    for (const f of this.planned) {
      if (f.done || now < f.at) continue;
      f.done = true;
      bump(this.tally.faults, f.kind);
      await this.start(f.kind, now);
    }
    for (const a of [...this.active]) if (await a.end(now)) this.active.splice(this.active.indexOf(a), 1);
  }

  /** Ends every running fault (end of day). */
  async clear(): Promise<void> {
    for (const a of this.active.splice(0)) await a.end(Number.POSITIVE_INFINITY);
  }

  private async start(kind: FaultKind, now: number): Promise<void> {
    const { rig, rng } = this;
    switch (kind) {
      case 'panic': {
        const own = [...rig.sims.own.values()];
        const sim = rng.pick(own);
        sim.pressPanic(rng.pick(doorsOf(rig, sim)));
        return;
      }
      case 'broker-restart':
        await rig.restartBroker(rng.int(300, 1500));
        return;
      case 'controller-power-cut': {
        const sim = rng.pick([...rig.sims.own.values()]);
        rig.downControllers.add(sim.deviceId);
        await sim.powerCut();
        const back = now + rng.int(2, 8) * 60_000;
        this.active.push({
          end: async (t) => {
            if (t < back) return false;
            await sim.start();
            rig.downControllers.delete(sim.deviceId);
            return true;
          },
        });
        return;
      }
      case 'camera-offline': {
        const cameraId = rng.pick(rig.recording.cameraIds);
        rig.recording.takeOffline(cameraId);
        const back = now + rng.int(2, 8) * 60_000;
        this.active.push({
          end: async (t) => {
            if (t < back) return false;
            rig.recording.bringOnline(cameraId);
            return true;
          },
        });
        return;
      }
      case 'reader-offline': {
        const address = rng.pick(rig.osdp.addresses);
        const pd = rig.osdp.pd(address);
        rig.silentPds.add(address);
        pd.setFault({ kind: 'silent' });
        const realEnd = Date.now() + READER_SILENT_REAL_MS;
        this.active.push({
          end: async (t) => {
            if (t !== Number.POSITIVE_INFINITY && Date.now() < realEnd) return false;
            pd.setFault({ kind: 'none' });
            rig.silentPds.delete(address);
            return true;
          },
        });
      }
    }
  }
}

function doorsOf(rig: CentreRig, sim: OwnDialectController): string[] {
  return rig.config.site.doors.filter((d) => rig.sims.forDoor(d.id) === sim).map((d) => d.id);
}
