// Screenshots of the dashboard's views for the README, taken from a running demo
// (`npm run demo`): `tsx scripts/dashboardScreenshots.ts [url] [key] [out-dir]`. Light mode
// at laptop width, and one view dark at tablet width; viewport-sized (the profile's is its
// identity-graph section), so they stay small.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, signInToDashboard } from '../test/support/browser';
import { gatewayClient } from './demo/gatewayClient';

const url = process.argv[2] ?? 'http://127.0.0.1:4000';
const key = process.argv[3] ?? process.env.MOSAIC_ADMIN_KEY ?? 'demo-admin-key-change-me';
const out = process.argv[4] ?? join(__dirname, '..', 'docs', 'screenshots');

/** An email of a demo profile with the most merges: its graph has the most to show. */
async function mergedEmail(): Promise<string> {
  const data = await gatewayClient(`${url}/graphql`, key).graphql<{
    profiles: {
      edges: { node: { identifiers: { kind: string; value: string }[]; mergeLog: unknown[] } }[];
    };
  }>(
    '{ profiles(first: 100) { edges { node { identifiers { kind value } mergeLog { reason } } } } }',
  );
  const nodes = data.profiles.edges.map((e) => e.node);
  nodes.sort((a, b) => b.mergeLog.length - a.mergeLog.length);
  const email = nodes[0]?.identifiers.find((i) => i.kind === 'EMAIL')?.value;
  if (!email) throw new Error(`${url} has no profile with an email: is the demo loaded?`);
  // As a person would paste it: other case, stray spaces.
  return ` ${email.toUpperCase()} `;
}

async function main(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const browser = await launchBrowser();
  try {
    const light = await (
      await browser.newContext({ viewport: { width: 1366, height: 860 }, colorScheme: 'light' })
    ).newPage();
    await signInToDashboard(light, url, key);
    await light.getByTestId('chart-latest').waitFor();
    await light.screenshot({ path: join(out, 'segments.png') });

    await light.getByRole('link', { name: 'Profiles' }).click();
    await light.getByLabel('Identifier', { exact: true }).fill(await mergedEmail());
    await light.getByRole('button', { name: 'Find profile' }).click();
    await light.getByTestId('identity-graph').waitFor();
    await light.getByTestId('merge-log').getByRole('button').first().click();
    await light.waitForTimeout(500);
    // The graph and the merge log with the opened entry's evidence: the view's point.
    await light.locator('section[aria-labelledby="graph-title"]').screenshot({
      path: join(out, 'profile.png'),
    });

    await light.getByRole('link', { name: 'Review queue' }).click();
    await light.getByRole('heading', { name: 'Review queue' }).waitFor();
    await light.waitForTimeout(500);
    await light.screenshot({ path: join(out, 'review.png') });

    const dark = await (
      await browser.newContext({ viewport: { width: 820, height: 1000 }, colorScheme: 'dark' })
    ).newPage();
    await signInToDashboard(dark, url, key);
    await dark.getByTestId('chart-latest').waitFor();
    await dark.screenshot({ path: join(out, 'segments-dark-tablet.png') });
  } finally {
    await browser.close();
  }
  console.log(`[screenshots] written to ${out}`);
}

main().catch((err: unknown) => {
  console.error('[screenshots] failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
