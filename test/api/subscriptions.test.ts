import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { postGraphQL } from '../support/gatewayProcess';
import { startTestApp, type TestApp } from '../support/app';

let t: TestApp;
let client: Client;
beforeAll(async () => {
  t = await startTestApp('subscriptions');
  client = createClient({
    url: `${t.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
});
afterAll(async () => {
  await client.dispose();
  await t.close();
});

const UPSERT = `mutation($input: CrmContactInput!) { upsertCrmContact(input: $input) { id } }`;

/** Collects `count` messages of a subscription, or fails after `ms`. */
function collect<T>(query: string, variables: Record<string, unknown>, count: number, ms = 10_000) {
  const received: T[] = [];
  let stop = () => {};
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`got ${received.length} of ${count} messages in ${ms} ms`)),
      ms,
    );
    stop = client.subscribe<T>(
      { query, variables },
      {
        next: (msg) => {
          received.push(msg.data as T);
          if (received.length >= count) {
            clearTimeout(timer);
            resolve(received);
          }
        },
        error: (err) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
        },
        complete: () => undefined,
      },
    );
  });
  return { done: done.finally(() => stop()), received };
}

describe('profileUpdated subscription', () => {
  it('pushes the profile when its traits change, and when another profile merges into it', async () => {
    const created = await postGraphQL<{ upsertCrmContact: { id: string } }>(t.url, UPSERT, {
      input: { crmId: 'sub-1', emails: ['sub1@example.com'] },
    });
    const id = created.body.data!.upsertCrmContact.id;
    type Msg = {
      profileUpdated: {
        id: string;
        traits: Record<string, unknown>;
        identifiers: { kind: string; value: string }[];
      };
    };
    const sub = collect<Msg>(
      'subscription($id: ID!) { profileUpdated(id: $id) { id traits identifiers { kind value } } }',
      { id },
      2,
    );
    // Give the subscription a moment to reach Redis before the changes are published.
    await new Promise((r) => setTimeout(r, 300));
    await postGraphQL(t.url, UPSERT, {
      input: { crmId: 'sub-1', firstName: 'Changed', emails: ['sub1@example.com'] },
    });
    await postGraphQL(t.url, UPSERT, {
      input: { crmId: 'sub-2', emails: ['sub1@example.com'], phones: ['+14155550199'] },
    });
    const messages = await sub.done;
    expect(messages[0]!.profileUpdated).toMatchObject({ id, traits: { firstName: 'Changed' } });
    expect(messages[1]!.profileUpdated.id).toBe(id);
    expect(messages[1]!.profileUpdated.identifiers).toContainEqual({
      kind: 'CRM_ID',
      value: 'sub-2',
    });
  });

  it('rejects a subscription to a field that does not exist', async () => {
    const sub = collect('subscription { nope }', {}, 1, 5_000);
    await expect(sub.done).rejects.toThrow(/nope/);
  });
});
