// How long a person watching the dashboard waits to see a segment move: against a running
// gateway (`npm run demo`), a browser signed in on a probe segment; every few seconds one
// Segment `track` call through `/v1/batch` makes a new visitor enter it, and the time
// from the call being accepted to the chart's latest point showing the new size is taken.
// Run it idle, or while `npm run demo` (or an import) keeps the worker busy.
//   tsx scripts/dashboardLiveProbe.ts [url] [admin-key] [probes] [write-key]
import { percentile } from '../bench/lib/latency';
import { inPage, launchBrowser, signInToDashboard } from '../test/support/browser';
import { gatewayClient } from './demo/gatewayClient';

const url = process.argv[2] ?? 'http://127.0.0.1:4000';
const key = process.argv[3] ?? process.env.MOSAIC_ADMIN_KEY ?? 'demo-admin-key-change-me';
const probes = Number(process.argv[4] ?? 20);
const writeKey = process.argv[5] ?? process.env.MOSAIC_WRITE_KEY ?? 'demo-write-key';
const SEGMENT = { name: 'Live probe', event: 'Dashboard Live Probe' };

async function track(userId: string): Promise<void> {
  const res = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
    },
    body: JSON.stringify({ batch: [{ type: 'track', userId, event: SEGMENT.event }] }),
  });
  if (res.status !== 200) throw new Error(`/v1/batch answered ${res.status}`);
}

async function main(): Promise<void> {
  await gatewayClient(`${url}/graphql`, key).defineSegmentsIfMissing([
    { name: SEGMENT.name, rule: { event: SEGMENT.event, atLeast: 1, withinDays: 90 } },
  ]);
  const browser = await launchBrowser();
  const waits: number[] = [];
  try {
    const page = await (await browser.newContext()).newPage();
    await signInToDashboard(page, url, key);
    await page.getByRole('link', { name: SEGMENT.name }).click();
    await page
      .getByTestId('live-status')
      .filter({ hasText: /^\s*live$/ })
      .waitFor();
    const latest = page.getByTestId('chart-latest');
    const sizeNow = async () =>
      Number(/Latest: (\d+)/.exec((await latest.textContent()) ?? '')?.[1]);
    const run = Date.now().toString(36);
    for (let i = 0; i < probes; i++) {
      const before = await sizeNow();
      // The moment the page shows the new size is taken in the page, by a mutation
      // observer (Playwright's own waiting re-checks at growing intervals, up to 0.5 s).
      await inPage(page, watchFor(`Latest: ${before + 1} member`));
      await track(`live-probe-${run}-${i}`);
      const accepted = Date.now();
      // Polled from here (the page's CSP refuses waitForFunction's eval); when it is read
      // does not matter, the observer took the time.
      let seenAt: number | undefined;
      for (const deadline = Date.now() + 120_000; seenAt === undefined;) {
        if (Date.now() > deadline) throw new Error(`the chart never showed ${before + 1}`);
        await new Promise((r) => setTimeout(r, 50));
        seenAt = await inPage<number | undefined>(page, 'window.__probeSeenAt');
      }
      waits.push((seenAt - accepted) / 1000);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  } finally {
    await browser.close();
    report(waits);
  }
}

/** Page code: records the wall-clock time at which the chart's caption starts with `text`. */
function watchFor(text: string): string {
  return `(() => {
    window.__probeSeenAt = undefined;
    const caption = document.querySelector('[data-testid="chart-latest"]');
    const observer = new MutationObserver(() => {
      if (caption.textContent.startsWith(${JSON.stringify(text)})) {
        window.__probeSeenAt = Date.now();
        observer.disconnect();
      }
    });
    observer.observe(caption, { childList: true, characterData: true, subtree: true });
  })()`;
}

/** Printed whatever happened, so a run cut short still says what it saw. */
function report(waits: number[]): void {
  if (waits.length === 0) return;
  const sorted = [...waits].sort((a, b) => a - b);
  const s = (x: number) => `${x.toFixed(2)} s`;
  console.log(
    `[live-probe] ${waits.length} changes seen on the chart after /v1/batch accepted them: ` +
      `p50 ${s(percentile(sorted, 50))}, p90 ${s(percentile(sorted, 90))}, max ${s(sorted.at(-1) ?? NaN)}`,
  );
}

main().catch((err: unknown) => {
  console.error('[live-probe] failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
