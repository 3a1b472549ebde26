import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SimulatedOsdpBus } from '../../simulators/osdp/sim-bus.js';
import { runSimScript } from '../../simulators/osdp/script.js';

describe('simulator script lines', () => {
  const bus = new SimulatedOsdpBus('s', new ManualClock(0), [{ address: 3 }]);

  it('drives cards, keys, door, tamper and faults', () => {
    runSimScript(bus, 'card 3 h10301 12 3456');
    runSimScript(bus, 'keys 3 12#');
    runSimScript(bus, 'door 3 open');
    runSimScript(bus, 'tamper 3 on');
    runSimScript(bus, 'fault 3 slow 120');
    const pd = bus.pd(3);
    expect(pd.inputs[0]).toBe(true);
    expect(pd.tamper).toBe(true);
    expect(pd.fault).toEqual({ kind: 'slow', delayMs: 120 });
    expect(runSimScript(bus, 'status 3')).toContain('inputs 1000 tamper on');
  });

  it('rejects bad lines with a usage hint', () => {
    expect(() => runSimScript(bus, 'card 3 h99999 1 1')).toThrow(/format/);
    expect(() => runSimScript(bus, 'keys 3 12a')).toThrow(/digits/);
    expect(() => runSimScript(bus, 'fault 3 sometimes')).toThrow(/fault/);
    expect(() => runSimScript(bus, 'card 9 h10301 1 1')).toThrow(/no simulated PD/);
    expect(() => runSimScript(bus, 'raw 3 26 aa')).toThrow(/bytes/);
  });
});
