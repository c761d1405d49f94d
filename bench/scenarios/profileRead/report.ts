import { percentile, round } from '../../lib/latency';
import type { LoadResult } from '../../lib/load';
import type { BenchContext, ScenarioReport } from '../../lib/scenario';
import { EVENTS_PER_PROFILE, ORDERS_PER_PROFILE } from './seed';

const NAME = 'profile-read';
/** Targets of issue #20 on this machine. */
const TARGETS = { hotRps: 1_000, hotP99Ms: 25, ofApollo: 0.5, coldRps: 5 * 100, pageMs: 150 };

export type Measured = 'hot' | 'cold' | 'apollo' | 'raw';

const LABELS: Record<Measured, string> = {
  hot: 'gateway, hot tier',
  cold: 'gateway, store only',
  apollo: 'anchor 1: plain Apollo, static profile',
  raw: 'anchor 2: raw Redis GET + orders SQL',
};

export function reportProfileRead(r: {
  ctx: BenchContext;
  profiles: number;
  seedSeconds: number;
  results: Record<Measured, LoadResult>;
  commandsPerRead: { hot: number; cold: number };
  hitRate: number;
  /** Of the store-only side's reads, those its stored gold documents answered. */
  storedHitRate: number;
  page: number[];
  /** Store commands per page of 100, by `<command> <collection>`. */
  pageCommands: Map<string, number>;
}): ScenarioReport {
  const { results, ctx } = r;
  const ratio = (a: Measured, b: Measured) =>
    results[b].rps > 0 ? results[a].rps / results[b].rps : Number.NaN;
  const pageP50 = percentile(r.page, 50);
  const met = {
    hotRps: results.hot.rps >= TARGETS.hotRps,
    hotP99: results.hot.p99Ms < TARGETS.hotP99Ms,
    ofApollo: ratio('hot', 'apollo') >= TARGETS.ofApollo,
    coldRps: results.cold.rps >= TARGETS.coldRps,
    page: pageP50 < TARGETS.pageMs,
  };
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const notes = [
    `${NAME}: hot tier ${results.hot.rps.toFixed(0)} req/s (target ≥ ${TARGETS.hotRps}: ${verdict(met.hotRps)}), p99 ${results.hot.p99Ms.toFixed(1)} ms (target < ${TARGETS.hotP99Ms}: ${verdict(met.hotP99)})`,
    `${NAME}: hot tier / anchor 1 (plain Apollo) ${ratio('hot', 'apollo').toFixed(2)} (target ≥ ${TARGETS.ofApollo}: ${verdict(met.ofApollo)}); hot tier / anchor 2 (raw Redis + SQL) ${ratio('hot', 'raw').toFixed(2)}`,
    `${NAME}: store only ${results.cold.rps.toFixed(0)} req/s (target ≥ ${TARGETS.coldRps}, 5× the ~100 req/s the issue measured: ${verdict(met.coldRps)}); store commands per read: ${r.commandsPerRead.hot.toFixed(1)} hot, ${r.commandsPerRead.cold.toFixed(1)} store only`,
    `${NAME}: hot tier hit rate ${(r.hitRate * 100).toFixed(1)} %, store-only side's stored gold document hit rate ${(r.storedHitRate * 100).toFixed(1)} % over the measured rounds`,
    `${NAME}: a page of 100 profiles with CRM records, order stats and 5 events each: p50 ${pageP50.toFixed(0)} ms, max ${r.page.at(-1)?.toFixed(0)} ms (target < ${TARGETS.pageMs}: ${verdict(met.page)})`,
    `${NAME}: store commands per page of 100: ${describeCommands(r.pageCommands)}`,
    `${NAME}: ${r.profiles} profiles of ${EVENTS_PER_PROFILE + 1} events, ${ORDERS_PER_PROFILE} orders, a merged visitor, computed traits and segments (${Number.isNaN(r.seedSeconds) ? 'seeded by an earlier run' : `seeded and enriched in ${r.seedSeconds.toFixed(0)} s`})`,
    `${NAME}: cpu ms/req is this process's CPU per request, client included (the sides share the process); the store's and Redis's CPU are not counted`,
  ];
  for (const side of Object.keys(results) as Measured[])
    if (results[side].errors > 0)
      notes.push(
        `${NAME}: ${results[side].errors} ${LABELS[side]} requests failed; first: ${results[side].firstError}`,
      );
  const json = (l: LoadResult) => ({
    requests: l.requests,
    errors: l.errors,
    rps: round(l.rps, 1),
    p50Ms: round(l.p50Ms),
    p99Ms: round(l.p99Ms),
    cpuMsPerRequest: round(l.cpuMsPerOp),
  });
  return {
    rows: (Object.keys(LABELS) as Measured[]).map((side) => ({
      scenario: NAME,
      side: LABELS[side],
      result: results[side],
    })),
    notes,
    valid: Object.values(results).every((l) => l.errors === 0),
    json: {
      profiles: r.profiles,
      eventsPerProfile: EVENTS_PER_PROFILE + 1,
      ordersPerProfile: ORDERS_PER_PROFILE,
      seedSeconds: round(r.seedSeconds, 1),
      seconds: ctx.seconds,
      concurrency: ctx.concurrency,
      hot: json(results.hot),
      storeOnly: json(results.cold),
      anchorApollo: json(results.apollo),
      anchorRaw: json(results.raw),
      ratios: {
        hotOfApollo: round(ratio('hot', 'apollo'), 3),
        hotOfRaw: round(ratio('hot', 'raw'), 3),
        storeOnlyOfApollo: round(ratio('cold', 'apollo'), 3),
      },
      storeCommandsPerRead: {
        hot: round(r.commandsPerRead.hot, 1),
        storeOnly: round(r.commandsPerRead.cold, 1),
      },
      hotTierHitRate: round(r.hitRate, 3),
      storedGoldHitRate: round(r.storedHitRate, 3),
      pageOf100: {
        p50Ms: round(pageP50),
        maxMs: round(r.page.at(-1) ?? Number.NaN),
        storeCommands: Object.fromEntries([...r.pageCommands].map(([k, n]) => [k, round(n, 1)])),
      },
      targets: { ...TARGETS, met },
    },
  };
}

function describeCommands(byKind: Map<string, number>): string {
  const total = [...byKind.values()].reduce((a, b) => a + b, 0);
  const kinds = [...byKind]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${n.toFixed(0)}`)
    .join(', ');
  return `${total.toFixed(0)} (${kinds || 'none'})`;
}
