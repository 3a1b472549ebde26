/** The shape every benchmark module exports; bench/run.ts runs them all. */
export interface BenchContext {
  /** Shortened run (the whole of `npm run bench -- --quick` must finish in under a minute). */
  quick: boolean;
  /** Progress for humans; goes to stderr so `--json` stdout stays one JSON object. */
  log(message: string): void;
}

export interface BenchSuite {
  name: string;
  /** Returns named figures (ms, ratios, counts); names are stable API for CI and the README. */
  run(ctx: BenchContext): Promise<Record<string, number>>;
}
