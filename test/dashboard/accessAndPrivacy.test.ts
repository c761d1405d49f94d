import type { Page } from 'playwright-core';
import { inPage, screenshot, seriousAxeViolations, submitApiKey } from '../support/browser';
import { startDashboardHarness, type DashboardHarness } from '../support/dashboardHarness';
import { until } from '../support/wait';

/**
 * Who may see what in the dashboard: a wrong, a writer's and a revoked key are told why
 * they are out (the revoked one by the 4403 close of its live feed), and a reader's page
 * holds none of a person's personal data unmasked, in its text or its markup.
 */

let h: DashboardHarness;
let zeldaId: string;

/** Zelda's personal data as it was sent; none of it may reach a reader's page. */
const ZELDA = {
  crmId: 'crm-zelda-7731',
  firstName: 'Zelda',
  lastName: 'Quinnell',
  emails: ['zelda.quinnell@example.org'],
  phones: ['+442079460958'],
  birthDate: '1961-04-12',
  address: { line1: '77 Wharf Lane', city: 'leeds', postalCode: 'LS1 4AP' },
};
const SECRETS = [
  'zelda.quinnell',
  'quinnell',
  'zelda',
  '79460958',
  'crm-zelda-7731',
  'zelda-user-889',
  'wharf lane',
  'ls1 4ap',
  '1961-04-12',
  '19610412',
];

const admin = (query: string, variables?: Record<string, unknown>) =>
  h.api.ok(h.api.keys.admin, query, variables);

beforeAll(async () => {
  h = await startDashboardHarness('dashboard-access');
  zeldaId = (
    (await admin(`mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`, {
      i: ZELDA,
    })) as { upsertCrmContact: { id: string } }
  ).upsertCrmContact.id;
  // Her website visits, first anonymous to Mosaic, then identified: a merge whose
  // explanation quotes identifiers.
  await h.track([
    { type: 'track', userId: 'zelda-user-889', event: 'Page Viewed', messageId: 'zelda-track-1' },
    {
      type: 'identify',
      userId: 'zelda-user-889',
      traits: { email: ZELDA.emails[0], firstName: 'Zelda' },
      messageId: 'zelda-identify-1',
    },
  ]);
  await until('the website visitor merged into her profile', async () => {
    const data = (await admin(`query($id: ID!) { profile(id: $id) { mergeLog { reason } } }`, {
      id: zeldaId,
    })) as { profile: { mergeLog: unknown[] } | null };
    return (data.profile?.mergeLog.length ?? 0) > 0;
  });
  // A rule that compares a personal trait: its value is masked for a reader too.
  await admin(`mutation($n: String!, $r: JSON!) { defineSegment(name: $n, rule: $r) { id } }`, {
    n: 'Surname rule',
    r: { trait: 'lastName', op: 'eq', value: 'Quinnell' },
  });
  // One that compares nothing personal: a reader sees its members and changes.
  await admin(`mutation($n: String!, $r: JSON!) { defineSegment(name: $n, rule: $r) { id } }`, {
    n: 'Reader watch',
    r: { event: 'Reader Watch', atLeast: 1, withinDays: 30 },
  });
}, 120_000);

afterAll(() => h?.close());

/** Everything a person or a script could read off the page: text, markup, attributes, storage. */
async function pageHolds(page: Page): Promise<string> {
  const [html, text, storage] = await Promise.all([
    page.content(),
    inPage<string>(page, 'document.body.innerText'),
    inPage<string>(page, 'JSON.stringify({ ...sessionStorage, ...localStorage })'),
  ]);
  return `${html}\n${text}\n${storage}`.toLowerCase();
}

test('a wrong key and a writer key are refused at sign-in with the reason', async () => {
  const page = await (await h.browser.newContext()).newPage();
  await submitApiKey(page, h.api.t.url, 'not-a-real-key-0123456789');
  const notice = page.getByRole('alert');
  await notice.waitFor();
  await expect(notice.textContent()).resolves.toMatch(
    /refused this key: it is wrong, expired or revoked/,
  );
  await screenshot(page, 'sign-in-refused');
  expect(await seriousAxeViolations(page)).toEqual([]);

  await submitApiKey(page, h.api.t.url, h.api.keys.writer);
  await page.getByText(/has role WRITER, which cannot read profiles or segments/).waitFor();
  await page.close();
});

test('a key revoked while its live feed is open is signed out with the 4403 reason', async () => {
  const created = (await admin(
    `mutation { createApiKey(name: "revoked-later", role: DASHBOARD) { key { id } secret } }`,
  )) as { createApiKey: { key: { id: string }; secret: string } };
  const page = await h.signedIn(created.createApiKey.secret);
  await page.getByRole('link', { name: /Surname rule/ }).click();
  await page
    .getByTestId('live-status')
    .filter({ hasText: /^\s*live$/ })
    .waitFor();

  await admin(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: created.createApiKey.key.id });

  const notice = page.getByRole('alert');
  await notice.waitFor({ timeout: 20_000 });
  await expect(notice.textContent()).resolves.toMatch(/revoked or is not allowed \(4403\)/);
  await expect(page.getByLabel('API key').isVisible()).resolves.toBe(true);
  await expect(inPage(page, 'sessionStorage.length')).resolves.toBe(0);
});

test('a reader sees no personal data unmasked anywhere on the page', async () => {
  // What the gateway sends the page, over HTTP and the subscription socket, from sign-in on.
  const received: Promise<string>[] = [];
  const page = await h.signedIn(h.api.keys.reader, {
    beforeSignIn: (p) => {
      p.on('response', (res) => {
        // A body the browser dropped on navigating away is recorded as such, not lost silently.
        if (res.url().endsWith('/graphql'))
          received.push(res.text().catch((err: unknown) => `(body unavailable: ${String(err)})`));
      });
      p.on('websocket', (ws) =>
        ws.on('framereceived', ({ payload }) => received.push(Promise.resolve(String(payload)))),
      );
    },
  });
  // No operations strip and no review queue for a reader.
  await expect(page.getByRole('region', { name: 'Operations' }).count()).resolves.toBe(0);
  await expect(page.getByRole('link', { name: 'Review queue' }).count()).resolves.toBe(0);

  await page.getByRole('link', { name: /Surname rule/ }).click();
  await page.getByRole('heading', { name: 'Surname rule', level: 2 }).waitFor();
  await page.getByText('Rule as JSON').click();
  const segmentPage = await pageHolds(page);
  expect(segmentPage).toContain('lastname');
  expect(SECRETS.filter((s) => segmentPage.includes(s))).toEqual([]);
  expect(await seriousAxeViolations(page)).toEqual([]);

  // A segment a reader may watch: her visit is delivered to the page as it happens.
  await page.getByRole('link', { name: /Reader watch/ }).click();
  await page.getByRole('heading', { name: 'Reader watch', level: 2 }).waitFor();
  await page
    .getByTestId('live-status')
    .filter({ hasText: /^\s*live$/ })
    .waitFor();
  await until('the watch channel', () => h.listening('segment-membership:reader-watch'), 10_000);
  await h.track([
    { type: 'track', userId: 'zelda-user-889', event: 'Reader Watch', messageId: 'zelda-w-1' },
  ]);
  await page
    .getByTestId('change-stream')
    .getByText(new RegExp(`entered ${zeldaId}`))
    .waitFor({ timeout: 20_000 });
  const watchPage = await pageHolds(page);
  expect(SECRETS.filter((s) => watchPage.includes(s))).toEqual([]);

  await page.goto(`${h.api.t.url}/dashboard/profiles?id=${zeldaId}`);
  await page.getByRole('heading', { name: /^Profile / }).waitFor();
  await page.getByTestId('merge-log').getByRole('button').first().click();
  const profilePage = await pageHolds(page);
  // The page did show her, masked: the email's first letter and domain, the phone's tail.
  expect(profilePage).toContain('z***@example.org');
  expect(profilePage).toContain('0958');
  expect(SECRETS.filter((s) => profilePage.includes(s))).toEqual([]);
  const traffic = (await Promise.all(received)).join('\n').toLowerCase();
  // Both channels were read: her masked email over HTTP, her entry over the socket.
  expect(traffic).toContain('z***@example.org');
  expect(traffic).toContain(
    `"segmentmembershipchanged":{"segmentid":"reader-watch","profileid":"${zeldaId.toLowerCase()}"`,
  );
  expect(SECRETS.filter((s) => traffic.includes(s))).toEqual([]);
  await screenshot(page, 'reader-profile');
  expect(await seriousAxeViolations(page)).toEqual([]);
});
