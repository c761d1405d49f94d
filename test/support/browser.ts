import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..', '..');
/** Screenshots of each view, kept after the run (`npm test` leaves them for CI to collect). */
const ARTIFACTS = join(ROOT, '.data', 'artifacts', 'dashboard');

/**
 * Debian's Chromium, headless (scripts/browser.sh installs it). Background networking is
 * off: this machine reaches no outside host, and Chromium's own calls would only fail.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.MOSAIC_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * An expression evaluated in the page, as text: the tests are compiled without the DOM's
 * types (they run in Node), and what they read of the page is a line of JavaScript.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the dashboard's CSP (rightly) refuses inline scripts.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await inPage<AxeViolation[]>(
    page,
    'axe.run().then((result) => result.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
}

/** Opens the dashboard of the gateway at `baseUrl` and submits `key` on its sign-in form. */
export async function submitApiKey(page: Page, baseUrl: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/dashboard/`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The same, once the key is accepted: the signed-in shell and its views are there. */
export async function signInToDashboard(page: Page, baseUrl: string, key: string): Promise<void> {
  await submitApiKey(page, baseUrl, key);
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
}
