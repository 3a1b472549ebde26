/**
 * Collects osdp_KEYPAD digits per reader into a PIN: '#' ends the entry, '*' clears it,
 * and a pause longer than `idleMs` or more than `maxDigits` digits starts over (so a
 * half-typed PIN never joins the next person's).
 */
export class PinCollector {
  private readonly entries = new Map<string, { digits: string; at: number }>();

  constructor(
    private readonly idleMs = 10_000,
    private readonly maxDigits = 12,
  ) {}

  /** Feeds keys for a reader; returns each PIN completed by '#'. */
  push(readerId: string, keys: string, now: number): string[] {
    const pins: string[] = [];
    let entry = this.entries.get(readerId);
    if (entry && now - entry.at > this.idleMs) entry = undefined;
    let digits = entry?.digits ?? '';
    for (const key of keys) {
      if (key === '#') {
        if (digits.length > 0) pins.push(digits);
        digits = '';
      } else if (key === '*') {
        digits = '';
      } else if (key >= '0' && key <= '9') {
        digits = digits.length >= this.maxDigits ? key : digits + key;
      }
    }
    if (digits.length > 0) this.entries.set(readerId, { digits, at: now });
    else this.entries.delete(readerId);
    return pins;
  }
}
