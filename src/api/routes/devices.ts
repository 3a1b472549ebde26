/**
 * Device diagnostics for the people who look after the hardware: per MQTT device, the
 * messages accepted and refused (by reason) and the door command outcomes; the OSDP
 * driver's refused cards and dropped commands; each camera recorder's state. Counts are
 * since the daemon started. Refusals are logged only a few at a time (a flood would drown
 * the log), so these counts are where a flood shows in full.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MqttDoorDriverStats } from '../../../devices/mqtt-door/driver.js';

export interface DeviceStatsSources {
  /** When the daemon started (the counters' zero). */
  startedAt: number;
  mqtt(): (MqttDoorDriverStats & { connected: boolean }) | undefined;
  osdp(): { cardsRefused: number; commandsDropped: number; duplicates: number } | undefined;
  recorders(): { diskFull: boolean; cameras: Record<string, { recording: boolean; segments: number; restarts: number }> } | undefined;
}

export function deviceRoutes(sources: DeviceStatsSources): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/devices', { schema: { tags: ['devices'], summary: 'Device counters since start: MQTT messages accepted and refused per device, command outcomes, OSDP, recorders' } }, async () => ({
      since: sources.startedAt,
      mqtt: sources.mqtt() ?? null,
      osdp: sources.osdp() ?? null,
      recorders: sources.recorders() ?? null,
    }));
  };
}
