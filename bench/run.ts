/**
 * `npm run bench [-- --json] [-- --quick] [-- --only NAME]`: runs every benchmark suite
 * and prints its figures, as a table or as one JSON object of named figures.
 */
import { suites } from './suites.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const quick = args.includes('--quick');
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  const figures: Record<string, number> = {};
  const selected = suites.filter((s) => !only || s.name === only);
  if (selected.length === 0) {
    log(only ? `no suite named '${only}' (have: ${suites.map((s) => s.name).join(', ')})` : 'no suites registered');
    process.exitCode = 1;
    return;
  }
  for (const suite of selected) {
    log(`${suite.name}: running${quick ? ' (quick)' : ''}`);
    const started = Date.now();
    const result = await suite.run({ quick, log: (m) => log(`${suite.name}: ${m}`) });
    Object.assign(figures, result);
    log(`${suite.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    const width = Math.max(...Object.keys(figures).map((k) => k.length));
    for (const [k, v] of Object.entries(figures)) process.stdout.write(`${k.padEnd(width)}  ${formatFigure(v)}\n`);
  }
}

function formatFigure(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench] failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
