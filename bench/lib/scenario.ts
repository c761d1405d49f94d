import type { Config } from '../../src/config/env';
import type { LoadResult } from './load';

/** What every scenario gets from the runner. */
export interface BenchContext {
  config: Config;
  /** Measured seconds per side (gateway, baseline). */
  seconds: number;
  warmupSeconds: number;
  concurrency: number;
  /** Progress for the operator, on stderr, so stdout stays the report. */
  progress(message: string): void;
}

/** One row of the report table: one side of a comparison. */
export interface ReportRow {
  scenario: string;
  side: string;
  result: LoadResult;
}

export interface ScenarioReport {
  rows: ReportRow[];
  /** Target checks and caveats, printed under the table. */
  notes: string[];
  /** The machine-readable line for this scenario (`scenario` is added by the runner). */
  json: Record<string, unknown>;
  /** False when the run itself was invalid (failed requests), not when a target was missed. */
  valid: boolean;
}

export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<ScenarioReport>;
}
