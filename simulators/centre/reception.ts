/**
 * A sensible receptionist: acknowledges alerts within a minute (before they escalate)
 * and resolves them a little later; when a door is held or someone's whereabouts are
 * uncertain, looks at the cameras and confirms only what is true (the simulator's
 * ground truth); releases doors for people without a usable card. Every action goes
 * through the daemon's services, so it is decided, audited and shown like a real one.
 */
import type { Decision } from '../../src/domain/access-types.js';
import type { Rng } from '../../src/domain/sim/rng.js';
import type { Services } from '../../src/services/index.js';
import type { AlertRecord } from '../../src/store/repos/alerts.js';
import { bump, type Tally } from './report.js';

export interface Whereabouts {
  /** Where a person truly is (the cameras show it). */
  zoneOf(personId: string): string | undefined;
  /** People on site today (the receptionist looks only for them). */
  people(): Iterable<string>;
}

export class Receptionist {
  private readonly seen = new Map<string, { ackAt: number; resolveAt: number }>();
  private lastSweep = 0;
  private readonly actor: string;
  private truth: Whereabouts = { zoneOf: () => undefined, people: () => [] };

  constructor(
    private readonly s: Services,
    readonly staffId: string,
    private readonly tally: Tally,
    private readonly rng: Rng,
  ) {
    this.actor = `staff:${staffId}`;
    s.bus.on('alert', (a) => this.onAlert(a));
  }

  /** What the cameras show today. */
  watch(truth: Whereabouts): void {
    this.truth = truth;
  }

  private onAlert(a: AlertRecord): void {
    if (this.seen.has(a.id) || a.acknowledgedAt !== undefined || a.resolvedAt !== undefined) return;
    const now = this.s.clock.now();
    this.tally.alertsRaised++;
    bump(this.tally.alertsByKind, a.kind);
    const escalateMs = this.s.config.settings.alerts.escalateAfterSeconds * 1000;
    const ackAt = now + this.rng.int(5_000, Math.max(6_000, escalateMs - 10_000));
    this.seen.set(a.id, { ackAt, resolveAt: ackAt + this.rng.int(1, 10) * 60_000 });
  }

  /** Called every simulated step. */
  tick(now: number): void {
    for (const [id, due] of this.seen) {
      const alert = this.s.store.alerts.get(id);
      if (!alert) continue;
      if (alert.acknowledgedAt === undefined && now >= due.ackAt) {
        this.s.alerts.acknowledge(id, this.actor);
        this.tally.alertsAcknowledged++;
      }
      if (alert.resolvedAt === undefined && now >= due.resolveAt) {
        this.s.alerts.resolve(id, this.actor, 'Checked on camera and in person; dealt with (simulated receptionist).');
        this.seen.delete(id);
      }
    }
    if (now - this.lastSweep >= 10 * 60_000) this.sweep(now);
  }

  /**
   * Looks at the cameras: everyone whose position the daemon is unsure of is confirmed
   * where they truly are. Nobody is confirmed anywhere they are not.
   */
  sweep(now: number): number {
    this.lastSweep = now;
    const possible = this.s.access.state().possible;
    let confirmed = 0;
    for (const personId of this.truth.people()) {
      const zones = possible[personId];
      const zone = this.truth.zoneOf(personId);
      if (!zones || zones.length <= 1 || zone === undefined) continue;
      this.s.access.handle({ type: 'confirm-whereabouts', personId, zoneId: zone, staffId: this.staffId, at: now });
      confirmed++;
    }
    this.tally.whereaboutsConfirmed += confirmed;
    return confirmed;
  }

  /** Releases a door for a person; on a keep-apart hold, checks the cameras and tries once more. */
  release(doorId: string, personId: string, towards: string, reason: string, now: number): Decision {
    const ask = () => this.s.access.handle({ type: 'reception-release', doorId, staffId: this.staffId, reason, personId, towards, at: this.s.clock.now() }).decision;
    let decision = ask();
    if (decision.outcome === 'held' && this.sweep(now) > 0) decision = ask();
    if (decision.outcome === 'granted') this.tally.receptionReleases++;
    else if (decision.outcome === 'held') this.tally.receptionReleasesHeld++;
    return decision;
  }
}
