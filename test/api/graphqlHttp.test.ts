import { postGraphQL } from '../support/gatewayProcess';
import { startTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('graphqlhttp');
});
afterAll(() => t.close());

const UPSERT = `mutation($input: CrmContactInput!) {
  upsertCrmContact(input: $input) { id identifiers { kind value } traits sources { name contributions } }
}`;
// Waits for the pipeline to apply the events, so the answer names each event's profile and
// what follows reads them.
const TRACK = `mutation($events: [EventInput!]!) {
  trackEvents(events: $events, wait: true) {
    accepted duplicates pending outcomes { messageId profileId applied duplicate }
  }
}`;
const BY_IDENTIFIER = `query($kind: IdentifierKind!, $value: String!) {
  profileByIdentifier(kind: $kind, value: $value) {
    id identifiers { kind value } traits mergedFrom
    mergeLog { survivorId mergedId reason linkedBy { kind value } recordId explanation at }
    recentEvents(first: 5) { id type event }
  }
}`;

interface ProfileShape {
  id: string;
  identifiers: { kind: string; value: string }[];
  traits: Record<string, unknown>;
  mergedFrom: string[];
  mergeLog: { survivorId: string; mergedId: string; reason: string; explanation: string }[];
  recentEvents: { id: string; type: string; event: string | null }[];
}

describe('profiles over HTTP', () => {
  it('finds a CRM contact by an email written with other case and spaces', async () => {
    const created = await postGraphQL<{ upsertCrmContact: { id: string } }>(t.url, UPSERT, {
      input: { crmId: 'http-1', firstName: 'Some', emails: ['some.one@example.com'] },
    });
    expect(created.body.errors).toBeUndefined();
    const found = await postGraphQL<{ profileByIdentifier: ProfileShape }>(t.url, BY_IDENTIFIER, {
      kind: 'EMAIL',
      value: ' Some.One@Example.COM ',
    });
    expect(found.body.data?.profileByIdentifier.id).toBe(created.body.data?.upsertCrmContact.id);
    expect(found.body.data?.profileByIdentifier.traits).toMatchObject({ firstName: 'Some' });
  });

  it('serves queries over GET and refuses mutations over GET', async () => {
    const query = encodeURIComponent(
      '{ profileByIdentifier(kind: CRM_ID, value: "http-1") { id } }',
    );
    const get = await fetch(`${t.url}/graphql?query=${query}`, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toContain('application/graphql-response+json');
    const body = (await get.json()) as { data: { profileByIdentifier: { id: string } | null } };
    expect(body.data.profileByIdentifier?.id).toEqual(expect.any(String));

    const mutation = encodeURIComponent(
      'mutation { upsertCrmContact(input: {crmId: "via-get"}) { id } }',
    );
    const refused = await fetch(`${t.url}/graphql?query=${mutation}`);
    expect(refused.status).toBe(405);
  });

  it('merges an anonymous visitor into the customer on identify, and the merge log says why', async () => {
    await postGraphQL(t.url, UPSERT, {
      input: { crmId: 'http-2', emails: ['visitor2@example.com'] },
    });
    const anon = await postGraphQL<{
      trackEvents: { pending: number; outcomes: { profileId: string | null; applied: boolean }[] };
    }>(t.url, TRACK, {
      events: [
        { type: 'TRACK', event: 'Viewed Product', anonymousId: 'anon-http-2', messageId: 'h2-1' },
      ],
    });
    expect(anon.body.data!.trackEvents.pending).toBe(0);
    expect(anon.body.data!.trackEvents.outcomes[0]!.applied).toBe(true);
    const anonymousProfileId = anon.body.data!.trackEvents.outcomes[0]!.profileId;
    expect(anonymousProfileId).toEqual(expect.any(String));
    const identify = await postGraphQL(t.url, TRACK, {
      events: [
        {
          type: 'IDENTIFY',
          anonymousId: 'anon-http-2',
          traits: { email: 'Visitor2@example.com' },
          messageId: 'h2-2',
        },
      ],
    });
    expect(identify.body.errors).toBeUndefined();
    expect(identify.body.data).toMatchObject({ trackEvents: { accepted: 1, pending: 0 } });
    const { body } = await postGraphQL<{ profileByIdentifier: ProfileShape }>(
      t.url,
      BY_IDENTIFIER,
      {
        kind: 'ANONYMOUS_ID',
        value: 'anon-http-2',
      },
    );
    const profile = body.data!.profileByIdentifier;
    expect(profile.mergedFrom).toEqual([anonymousProfileId]);
    expect(profile.mergeLog).toHaveLength(1);
    expect(profile.mergeLog[0]).toMatchObject({
      survivorId: profile.id,
      mergedId: anonymousProfileId,
      reason: 'SHARED_IDENTIFIER',
    });
    expect(profile.mergeLog[0]!.explanation).toContain('visitor2@example.com');
    expect(profile.recentEvents.map((e) => e.id).sort()).toEqual(['h2-1', 'h2-2']);
  });

  it('pages through profiles with opaque cursors', async () => {
    for (let i = 0; i < 5; i++) await postGraphQL(t.url, UPSERT, { input: { crmId: `page-${i}` } });
    const PAGE = `query($after: String) { profiles(first: 2, after: $after) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      profiles: {
        edges: { node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const res: { body: { data?: Page } } = await postGraphQL<Page>(t.url, PAGE, { after });
      const page: Page['profiles'] = res.body.data!.profiles;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });
});

describe('errors', () => {
  async function expectRejected(
    query: string,
    variables: Record<string, unknown>,
    code: string,
    message: RegExp,
  ): Promise<void> {
    const before = await t.counts();
    const res = await postGraphQL(t.url, query, variables);
    expect(res.body.errors?.[0]?.extensions?.code).toBe(code);
    expect(res.body.errors?.[0]?.message).toMatch(message);
    expect(await t.counts()).toEqual(before);
  }

  it('rejects an invalid email, naming the field', () =>
    expectRejected(
      UPSERT,
      { input: { crmId: 'e-1', emails: ['a@b.com', 'nope'] } },
      'BAD_USER_INPUT',
      /input\.emails\[1\]/,
    ));

  it('rejects an invalid phone, naming the field', () =>
    expectRejected(
      UPSERT,
      { input: { crmId: 'e-2', phones: ['555'] } },
      'BAD_USER_INPUT',
      /input\.phones\[0\].*not a valid phone/,
    ));

  it('rejects an unknown identifier kind', () =>
    expectRejected(
      BY_IDENTIFIER,
      { kind: 'SHOE_SIZE', value: '42' },
      'BAD_USER_INPUT',
      /SHOE_SIZE/,
    ));

  it('rejects an operator object where a string is expected', () =>
    expectRejected(
      BY_IDENTIFIER,
      { kind: 'EMAIL', value: { $gt: '' } },
      'BAD_USER_INPUT',
      /String cannot represent/,
    ));

  it('rejects an operator object inside a string list', () =>
    expectRejected(
      UPSERT,
      { input: { crmId: 'e-3', emails: [{ $ne: null }] } },
      'BAD_USER_INPUT',
      /String cannot represent/,
    ));

  it('rejects operator keys in JSON attributes', () =>
    expectRejected(
      UPSERT,
      { input: { crmId: 'e-4', attributes: { $where: 'sleep(1)' } } },
      'BAD_USER_INPUT',
      /input\.attributes\.\$where/,
    ));

  it('rejects a malformed cursor', () =>
    expectRejected(
      'query($a: String) { profiles(after: $a) { edges { cursor } } }',
      { a: 'bm9wZQ' },
      'BAD_USER_INPUT',
      /not a cursor/,
    ));

  it('rejects an oversized page', () =>
    expectRejected(
      '{ profiles(first: 1000) { edges { cursor } } }',
      {},
      'BAD_USER_INPUT',
      /first: must be between 0 and 100/,
    ));

  it('refuses a body over the size limit with 413 and writes nothing', async () => {
    const before = await t.counts();
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: UPSERT,
        variables: { input: { crmId: 'big', attributes: { blob: 'x'.repeat(2_000_000) } } },
      }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await t.counts()).toEqual(before);
  });

  it('answers a body that is not JSON with 400', async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
  });
});

describe('health', () => {
  it('is alive and ready when the store, Redis and PostgreSQL answer', async () => {
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { mongodb: { ok: true }, redis: { ok: true }, postgresql: { ok: true } },
    });
  });

  it('reports not ready, naming Redis, when Redis is unreachable', async () => {
    const broken = await startTestApp('noredis', { REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const ready = await fetch(`${broken.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
      expect(body.checks.redis?.ok).toBe(false);
      expect(body.checks.mongodb?.ok).toBe(true);
    } finally {
      await broken.close();
    }
  });
});
