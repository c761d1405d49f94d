import type { Page } from 'playwright-core';
import { person } from '../support/crmMatching';
import { inPage, screenshot, seriousAxeViolations } from '../support/browser';
import { startDashboardHarness, TABLET, type DashboardHarness } from '../support/dashboardHarness';
import { until } from '../support/wait';

/**
 * The dashboard in a real browser against the real gateway, worker and stores, as a
 * marketing or data person uses it: a segment moving live, a person found by a messy email
 * and split back out, a review pair accepted. Screenshots land in .data/artifacts/dashboard.
 */

let h: DashboardHarness;
let mergeA: string;
let mergeB: string;
const SEGMENT = { name: 'Dashboard watchers', id: 'dashboard-watchers' };
const ANN = { email: 'ann.lee@example.com', messy: '  ANN.Lee@Example.COM ' };

const admin = (query: string, variables?: Record<string, unknown>) =>
  h.api.ok(h.api.keys.admin, query, variables);

const upsert = async (input: Record<string, unknown>) =>
  (
    (await admin(`mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
      i: input,
    })) as { upsertCrmContact: { id: string } }
  ).upsertCrmContact.id;

beforeAll(async () => {
  // Settling would merge the likely pair the review test needs a person to decide.
  h = await startDashboardHarness('dashboard-admin', { MOSAIC_MATCH_SETTLE_THRESHOLD: '0.95' });
  await admin(`mutation($n: String!, $r: JSON!) { defineSegment(name: $n, rule: $r) { id } }`, {
    n: SEGMENT.name,
    r: { event: 'Dashboard Demo Viewed', atLeast: 1, withinDays: 30 },
  });
  // Ann in one CRM, and a second contact that later shares her email: one merge.
  await upsert({ crmId: 'dash-ann', firstName: 'ann', lastName: 'lee', emails: [ANN.email] });
  await upsert({ crmId: 'dash-annie', firstName: 'annie', phones: ['+442079460001'] });
  await upsert({
    crmId: 'dash-annie',
    firstName: 'annie',
    phones: ['+442079460001'],
    emails: [ANN.email],
  });
  // Two contacts only a person knows are one.
  mergeA = await upsert({ crmId: 'dash-merge-a', firstName: 'otto', emails: ['otto@example.com'] });
  mergeB = await upsert({ crmId: 'dash-merge-b', firstName: 'otto', emails: ['o.b@example.net'] });
  // A person and a likely duplicate of them, scored between the thresholds: a review.
  await upsert(person(1));
  await upsert({
    crmId: 'likely-1',
    firstName: person(1).firstName,
    lastName: person(1).lastName,
    address: { postalCode: '9001' },
  });
  // Matching runs on arrival; the page reads the queue once, so it must be there first.
  await until('the review pair', async () => {
    const data = (await admin('{ reviewQueue(first: 5) { edges { node { recordId } } } }')) as {
      reviewQueue: { edges: { node: { recordId: string } }[] };
    };
    return data.reviewQueue.edges.some((e) => e.node.recordId === 'crm:likely-1');
  });
}, 120_000);

afterAll(() => h?.close());

async function openSegment(page: Page): Promise<void> {
  await page.getByRole('link', { name: new RegExp(SEGMENT.name) }).click();
  await page.getByRole('heading', { name: SEGMENT.name, level: 2 }).waitFor();
}

test('an event sent through /v1/batch moves the chart and the stream without a reload', async () => {
  const page = await h.signedIn(h.api.keys.dashboard);
  await openSegment(page);
  const latest = page.getByTestId('chart-latest');
  await expect(latest.textContent()).resolves.toMatch(/^Latest: 0 members/);
  // The page marks itself; a reload would lose the mark.
  await inPage(page, 'window.unreloaded = true');
  // Size, changes and alerts: all three subscribed, the membership channel in Redis.
  await until('three subscriptions', async () => (await h.activeSubscriptions()) >= 3, 10_000);
  await until(
    'the segment channel in Redis',
    () => h.listening(`segment-membership:${SEGMENT.id}`),
    10_000,
  );
  const visit = (n: number) =>
    h.track([
      {
        type: 'track',
        userId: `dash-visitor-${n}`,
        event: 'Dashboard Demo Viewed',
        messageId: `dash-msg-${n}`,
      },
    ]);
  // The two feeds share one Redis channel, so its presence proves only the first is fed:
  // a first visitor, seen on the chart, gives the second time to be; the second is the test.
  await visit(1);
  await latest.filter({ hasText: /^Latest: 1 member / }).waitFor({ timeout: 20_000 });
  await visit(2);
  await latest.filter({ hasText: /^Latest: 2 members / }).waitFor({ timeout: 20_000 });
  const second = (await h.api.ok(
    h.api.keys.admin,
    'query { profileByIdentifier(kind: USER_ID, value: "dash-visitor-2") { id } }',
  )) as { profileByIdentifier: { id: string } };
  // Each feed is its own message, so the stream and the list may draw a moment after the
  // chart: waited for, not read at once. The newest entry must be the second visitor's.
  await page
    .getByTestId('change-stream')
    .getByRole('listitem')
    .first()
    .filter({ hasText: new RegExp(`^entered ${second.profileByIdentifier.id} profile changed`) })
    .waitFor({ timeout: 10_000 });
  await page
    .getByTestId(`segment-size-${SEGMENT.id}`)
    .filter({ hasText: /^2$/ })
    .waitFor({ timeout: 10_000 });
  await expect(inPage(page, 'window.unreloaded')).resolves.toBe(true);
  await screenshot(page, 'segments');
  expect(await seriousAxeViolations(page)).toEqual([]);

  // The editor shows the gateway's validation error next to the rule.
  await page.getByRole('button', { name: 'New segment' }).click();
  await page.getByLabel('Name').fill('Broken rule');
  await page.getByLabel('Rule (JSON)').fill('{"trait": "plan", "op": "about", "value": "pro"}');
  await page.getByRole('button', { name: 'Create segment' }).click();
  const error = page.locator('#segment-rule-error');
  await error.waitFor();
  await expect(error.textContent()).resolves.toMatch(/^rule\.op: expected one of eq, ne/);
  await expect(page.getByLabel('Rule (JSON)').getAttribute('aria-invalid')).resolves.toBe('true');
  await screenshot(page, 'segment-editor');
  expect(await seriousAxeViolations(page)).toEqual([]);
}, 90_000);

test('the chart moves with the change feed while the counts are held back, then settles on them', async () => {
  const held = { name: 'Held counts', event: 'Held Count Viewed' };
  await admin(`mutation($n: String!, $r: JSON!) { defineSegment(name: $n, rule: $r) { id } }`, {
    n: held.name,
    r: { event: held.event, atLeast: 1, withinDays: 30 },
  });
  // Between the gateway and the page, every segmentStats frame is held back until released:
  // what the chart shows meanwhile can only come from segmentMembershipChanged.
  const heldFrames: string[] = [];
  let holding = true;
  let toPage: (frame: string) => void = () => undefined;
  const page = await h.signedIn(h.api.keys.dashboard, {
    beforeSignIn: (p) =>
      p.routeWebSocket(/\/graphql$/, (ws) => {
        const server = ws.connectToServer();
        toPage = (frame) => ws.send(frame);
        server.onMessage((frame) => {
          const text = String(frame);
          if (holding && text.includes('"segmentStats"')) heldFrames.push(text);
          else ws.send(frame);
        });
      }),
  });
  await page.getByRole('link', { name: new RegExp(held.name) }).click();
  await page.getByRole('heading', { name: held.name, level: 2 }).waitFor();
  await until(
    'the segment channel in Redis',
    () => h.listening('segment-membership:held-counts'),
    10_000,
  );
  const latest = page.getByTestId('chart-latest');
  await expect(latest.textContent()).resolves.toMatch(/^Latest: 0 members/);

  await h.track([
    { type: 'track', userId: 'held-visitor-1', event: held.event, messageId: 'held-1' },
  ]);
  await page
    .getByTestId('change-stream')
    .getByRole('listitem')
    .first()
    .waitFor({ timeout: 20_000 });
  await latest.filter({ hasText: /^Latest: 1 member / }).waitFor({ timeout: 5_000 });
  // The count made for that change was sent too, and held: it must not add the change again.
  await until('the held count', () => Promise.resolve(heldFrames.length > 0), 10_000);
  holding = false;
  for (const frame of heldFrames.splice(0)) toPage(frame);
  await expect(page.getByTestId(`segment-size-held-counts`).textContent()).resolves.toBe('1');
  await expect(latest.textContent()).resolves.toMatch(/^Latest: 1 member /);
}, 60_000);

test('a messy email finds the profile and its identity graph; an admin unmerges it', async () => {
  const page = await h.signedIn(h.api.keys.admin);
  await page.getByRole('link', { name: 'Profiles' }).click();
  await page.getByLabel('Identifier kind').selectOption('EMAIL');
  await page.getByLabel('Identifier', { exact: true }).fill(ANN.messy);
  await page.getByRole('button', { name: 'Find profile' }).click();
  await page.getByRole('heading', { name: /^Profile / }).waitFor();
  await expect(page.getByTestId('identifiers').textContent()).resolves.toContain(ANN.email);
  const graph = page.getByTestId('identity-graph');
  await expect(graph.getAttribute('aria-label')).resolves.toMatch(/2 profiles, 1 merges/);
  await expect(graph.locator('canvas').count()).resolves.toBeGreaterThan(0);
  const mergeEntry = page.getByTestId('merge-log').getByRole('button').first();
  await expect(mergeEntry.textContent()).resolves.toMatch(/shared identifier/);
  await mergeEntry.click();
  await expect(page.getByTestId('merge-log').textContent()).resolves.toMatch(/crm:dash-annie/);
  await screenshot(page, 'profile');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await page.getByRole('checkbox', { name: 'crm:dash-annie' }).check();
  await page.getByRole('button', { name: 'Unmerge selected…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Unmerge these records?' });
  await dialog.getByRole('button', { name: 'Unmerge' }).click();
  const result = page.getByTestId('unmerge-result');
  await result.waitFor({ timeout: 20_000 });
  const remaining = result.getByRole('region', { name: /^Remaining: / });
  const split = result.getByRole('region', { name: /^Split out: / });
  await expect(remaining.textContent()).resolves.toContain(ANN.email);
  await expect(split.textContent()).resolves.toContain('+442079460001');
  const [a, b] = await Promise.all([remaining, split].map((r) => r.getAttribute('aria-label')));
  expect(a!.replace('Remaining: ', '')).not.toBe(b!.replace('Split out: ', ''));
  await screenshot(page, 'profile-unmerged');
}, 90_000);

test('accepting a review pair with the keyboard shows the merge', async () => {
  const page = await h.signedIn(h.api.keys.admin);
  await page.getByRole('link', { name: 'Review queue' }).click();
  await page.getByText(/^Pair 1 of 1: match probability/).waitFor();
  await expect(page.locator('table.pair').textContent()).resolves.toMatch(/crm:likely-1/);
  await screenshot(page, 'review');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await page.keyboard.press('a');
  const outcome = page.getByTestId('review-outcome');
  await outcome.waitFor({ timeout: 20_000 });
  await expect(outcome.textContent()).resolves.toMatch(/^Merged: crm:likely-1/);
  await page.getByText('Nothing to review').waitFor();
  await outcome.getByRole('link').click();
  const log = page.getByTestId('merge-log');
  await log.waitFor();
  await expect(log.textContent()).resolves.toMatch(/manual p=0\.\d\d/);
}, 90_000);

test('an admin renames a segment and merges two profiles by hand, each confirmed', async () => {
  const page = await h.signedIn(h.api.keys.admin);
  await openSegment(page);
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Name').fill(`${SEGMENT.name} (renamed)`);
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: `${SEGMENT.name} (renamed)`, level: 2 }).waitFor();

  await page.getByRole('link', { name: 'Profiles' }).click();
  await page.getByLabel('Identifier kind').selectOption('CRM_ID');
  await page.getByLabel('Identifier', { exact: true }).fill('dash-merge-a');
  await page.getByRole('button', { name: 'Find profile' }).click();
  await page.getByRole('heading', { name: `Profile ${mergeA}` }).waitFor();
  await page.getByLabel('Other profile id').fill(mergeB);
  await page.getByLabel('Note (kept in the merge log)').fill('same shop account');
  await page.getByRole('button', { name: 'Merge…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Merge these profiles?' });
  // The safe choice has the focus: Enter here would cancel, not merge.
  await expect(inPage(page, 'document.activeElement?.textContent')).resolves.toBe('Cancel');
  await dialog.getByRole('button', { name: 'Merge' }).click();
  const log = page.getByTestId('merge-log');
  await log.getByText(/: manual/).waitFor({ timeout: 20_000 });
  await expect(log.textContent()).resolves.toContain(`Merge ${mergeB} into ${mergeA}`);
}, 90_000);

test('each view, dark at tablet width, with the operations strip, has no serious accessibility violation', async () => {
  const page = await h.signedIn(h.api.keys.admin, { viewport: TABLET, colorScheme: 'dark' });
  const ops = page.getByRole('region', { name: 'Operations' });
  await ops.getByText(/queue enrichment/).waitFor();
  await expect(ops.textContent()).resolves.toMatch(/source crm\s*breaker closed/);
  await openSegment(page);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'segments-tablet');
  await page.getByRole('link', { name: 'Profiles' }).click();
  await page.getByLabel('Identifier', { exact: true }).fill(ANN.email);
  await page.getByRole('button', { name: 'Find profile' }).click();
  await page.getByRole('heading', { name: /^Profile / }).waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);
  await screenshot(page, 'profile-dark-tablet');
  await page.getByRole('link', { name: 'Review queue' }).click();
  await page.getByText(/^(Nothing to review|Pair \d+ of \d+)/).waitFor();
  expect(await seriousAxeViolations(page)).toEqual([]);
}, 90_000);
