/**
 * Alert sounds by severity (Web Audio, no files): critical = three high beeps,
 * warning = one mid beep, info = silent. Sounds only for alerts raised in the last
 * minute, so a reload or a replay after a blip does not replay old alarms.
 */
import { alertHooks, serverNow } from './state.js';
import type { Severity } from './types.js';

let ctx: AudioContext | undefined;
let installed = false;

const PATTERNS: Record<Severity, { hz: number; beeps: number }> = {
  critical: { hz: 1200, beeps: 3 },
  warning: { hz: 800, beeps: 1 },
  info: { hz: 0, beeps: 0 },
};

export function beep(severity: Severity): void {
  const { hz, beeps } = PATTERNS[severity];
  if (beeps === 0) return;
  try {
    ctx ??= new AudioContext();
    for (let i = 0; i < beeps; i++) {
      const start = ctx.currentTime + i * 0.3;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.2, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 0.2);
    }
  } catch {
    // No audio device (a kiosk without speakers): the colour and the banner still show it.
  }
}

export function installSounds(): void {
  if (installed) return;
  installed = true;
  alertHooks.add((alert, isNew) => {
    if (isNew && alert.resolvedAt === undefined && serverNow() - alert.raisedAt < 60_000) beep(alert.severity);
  });
}
