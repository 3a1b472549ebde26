/**
 * The domain core's speed: a decision per tap must be far below a reader's timeout (the
 * decision path touches no disk before the unlock, DESIGN.md "Shape"), and a whole
 * simulated day must run fast enough for property tests and `contactd simulate`.
 */
import type { BenchSuite } from './suite.js';
import { createAccessState, decide, indexSite } from '../src/domain/index.js';
import { makeRng, randomDay, randomSite, simulateDay } from '../src/domain/sim/index.js';
import { percentile } from './stats.js';

const planning = { defaultGapMinutes: 15, arrivalWindowMinutes: 10, earlyArrivalHoldMinutes: 10 };

export const domainSuite: BenchSuite = {
  name: 'domain',
  async run(ctx) {
    const days = ctx.quick ? 10 : 60;
    const decideMs: number[] = [];
    let simMs = 0;
    let planMs = 0;
    for (let seed = 1; seed <= days; seed++) {
      const rng = makeRng(seed);
      const site = indexSite(randomSite(rng));
      const t0 = performance.now();
      const day = randomDay(rng, site, '2027-03-28', planning);
      planMs += performance.now() - t0;
      const t1 = performance.now();
      const report = simulateDay(day, rng);
      simMs += performance.now() - t1;
      // Replay the day's inputs through decide() alone: the same decisions, timed one by one.
      let state = createAccessState({ site, planning, credentials: day.credentials, movements: day.movements, pairs: day.pairs, staff: day.staff });
      for (const { input } of report.records) {
        const t2 = performance.now();
        state = decide(state, input, input.at).state;
        decideMs.push(performance.now() - t2);
      }
    }
    ctx.log(`domain: ${days} simulated days, ${decideMs.length} decisions`);
    return {
      decide_p50_ms: percentile(decideMs, 50),
      decide_p99_ms: percentile(decideMs, 99),
      decisions: decideMs.length,
      plan_day_mean_ms: planMs / days,
      simulate_day_mean_ms: simMs / days,
    };
  },
};
