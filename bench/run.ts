import { ConfigError, loadConfig } from '../src/config/env';
import { BENCH_ADMIN_KEY } from './lib/gatewayAuth';
import { intFromEnv } from './lib/env';
import { round } from './lib/latency';
import type { BenchContext, Scenario, ScenarioReport } from './lib/scenario';
import { formatTable } from './lib/table';
import { bronze } from './scenarios/bronze';
import { clustering } from './scenarios/clustering';
import { crmSync } from './scenarios/crmSync';
import { dataLoader } from './scenarios/dataLoader';
import { ingestion } from './scenarios/ingestion';
import { matching } from './scenarios/matching';
import { profileRead } from './scenarios/profileRead';
import { segments } from './scenarios/segments';

/**
 * `npm run bench [scenario...]`: runs the named scenarios (all by default) one after
 * another, each in a database of its own, then prints one table for all of them and
 * one JSON line per scenario. Progress goes to stderr, the report to stdout, so
 * `npm run bench 2>/dev/null | tail -n N` gives just the machine-readable lines.
 *
 * Exits 1 when a scenario fails or any request failed (the numbers would be of a broken
 * path); a missed target is reported, not failed: these are measurements, and machines
 * are noisy.
 */
const SCENARIOS: Scenario[] = [
  profileRead,
  dataLoader,
  ingestion,
  bronze,
  segments,
  matching,
  crmSync,
  clustering,
];

async function main(): Promise<number> {
  const names = process.argv.slice(2);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`,
    );
    return 2;
  }
  const selected = names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));

  let ctx: BenchContext;
  try {
    ctx = {
      // The app's own logs would drown the report; failures surface as errors here.
      // GraphQL is authenticated: the scenarios send this bootstrap admin key.
      config: loadConfig({
        ...process.env,
        MOSAIC_ADMIN_KEY: BENCH_ADMIN_KEY,
        LOG_LEVEL: 'silent',
      }),
      seconds: intFromEnv('BENCH_SECONDS', 10),
      warmupSeconds: intFromEnv('BENCH_WARMUP_SECONDS', 2),
      concurrency: intFromEnv('BENCH_CONCURRENCY', 16),
      progress: (message) => process.stderr.write(`[bench] ${message}\n`),
    };
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
    return 2;
  }

  const reports: { name: string; report: ScenarioReport }[] = [];
  let failed = false;
  for (const scenario of selected) {
    try {
      reports.push({ name: scenario.name, report: await scenario.run(ctx) });
    } catch (err) {
      failed = true;
      process.stderr.write(
        `[bench] ${scenario.name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    }
  }

  const rows = reports.flatMap(({ report }) => report.rows);
  if (rows.length > 0) {
    process.stdout.write(
      formatTable(
        [
          'scenario',
          'side',
          'requests',
          'errors',
          'req/s',
          'p50 ms',
          'p99 ms',
          'max ms',
          'cpu ms/req',
        ],
        rows.map(({ scenario, side, result }) => [
          scenario,
          side,
          result.requests,
          result.errors,
          round(result.rps, 1),
          round(result.p50Ms),
          round(result.p99Ms),
          round(result.maxMs),
          round(result.cpuMsPerOp),
        ]),
      ) + '\n\n',
    );
  }
  for (const { report } of reports) {
    for (const note of report.notes) process.stdout.write(`${note}\n`);
  }
  if (reports.length > 0) process.stdout.write('\n');
  for (const { name, report } of reports) {
    process.stdout.write(`${JSON.stringify({ scenario: name, ...report.json })}\n`);
    if (!report.valid) failed = true;
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    // Any handle a scenario failed to close must not keep a finished run alive.
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
