/**
 * A CI-sized whole-centre day (issue 9): one seeded day at the demo centre against the
 * real daemon, its MQTT and OSDP drivers and the device simulators, with every kind of
 * hardware fault. The simulator's ground truth must never see a keep-apart pair in the
 * same tracked zone; doors must have opened and been refused for stated reasons. Cameras
 * record on the simulated clock into the daemon's footage index; every visit's segments
 * (by where its people really were) must be tagged to it.
 */
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../simulators/centre/simulate.js';
import { formatReport } from '../../simulators/centre/report.js';

const CONFIG = path.resolve(import.meta.dirname, '../../config/default.json');

describe('contactd simulate', () => {
  it('runs a day with faults: no keep-apart co-presence, grants and reasoned denials, alerts acknowledged, audit intact', async () => {
    const report = await simulate({ days: 1, seed: 1, configFile: CONFIG, logger: pino({ level: 'silent' }), faults: 'all' });
    const context = formatReport(report);
    expect(report.keepApartIncidents, context).toBe(0);
    expect(report.visits, context).toBeGreaterThan(0);
    expect(report.grants, context).toBeGreaterThan(0);
    expect(report.grantsByReason.MOVEMENT, context).toBeGreaterThan(0);
    expect(Object.keys(report.denials).length, context).toBeGreaterThan(0);
    expect(Object.values(report.denials).every((n) => n > 0)).toBe(true);
    expect(report.movementsCompleted, context).toBeGreaterThan(report.movements * 0.8);
    expect(report.stuckPeople, context).toBe(0);
    // Every fault kind happened and the daemon raised alerts that reception acknowledged.
    expect(Object.keys(report.faults).sort()).toEqual(['broker-restart', 'camera-offline', 'controller-power-cut', 'panic', 'reader-offline']);
    expect(report.alertsByKind.panic, context).toBeGreaterThan(0);
    expect(report.alertsByKind['device-offline'], context).toBeGreaterThan(0);
    expect(report.alertsAcknowledged).toBe(report.alertsRaised);
    expect(report.unlockP99Ms).not.toBeNull();
    expect(report.auditChainOk).toBe(true);
    // Footage: segments from every camera, the dropped camera's gap, and every visit fully tagged.
    expect(report.footage.segmentsRecorded, context).toBeGreaterThan(report.simulatedHours * 60 * 8);
    expect(report.footage.gapsRecorded, context).toBeGreaterThan(0);
    expect(report.footage.visitSegmentsExpected, context).toBeGreaterThan(report.visits * 10);
    expect(report.visitsFullyTagged, context).toBe(report.visits);
    expect(report.footage.visitsNotFullyTagged).toEqual([]);
  }, 240_000);
});
