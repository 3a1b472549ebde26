/**
 * Bursts of denied attempts at one door (someone trying card after card, or a person
 * of a keep-apart pair insisting): counts denials per door in a sliding window and
 * says when a burst starts. One alert per burst: quiet again resets it.
 */
export class DenialBurst {
  private readonly recent = new Map<string, number[]>();
  private readonly alerted = new Set<string>();

  constructor(
    private readonly count: number,
    private readonly windowMs: number,
  ) {}

  /** Records a denial; true when this one makes `count` within the window (once per burst). */
  denied(doorId: string, at: number): boolean {
    const times = (this.recent.get(doorId) ?? []).filter((t) => at - t < this.windowMs);
    times.push(at);
    this.recent.set(doorId, times);
    if (times.length < this.count) {
      if (times.length === 1) this.alerted.delete(doorId);
      return false;
    }
    if (this.alerted.has(doorId)) return false;
    this.alerted.add(doorId);
    return true;
  }
}
