// The demo scripts' client of a running gateway's GraphQL API (loading the demo data,
// the dashboard's screenshots and live probe): one way of calling it and of failing.

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

export interface GatewayClient {
  /** Runs one operation as `key`; any GraphQL error fails it, each with its field. */
  graphql: <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
  /** Defines the segments not yet defined, by name: a second run finds them there. */
  defineSegmentsIfMissing: (segments: readonly { name: string; rule: unknown }[]) => Promise<void>;
}

export function gatewayClient(url: string, key: string): GatewayClient {
  async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let body: GraphQLResponse<T>;
    try {
      body = JSON.parse(text) as GraphQLResponse<T>;
    } catch {
      throw new Error(`${url} answered ${res.status}: ${text.slice(0, 500)}`);
    }
    if (body.errors?.length) {
      const messages = body.errors.map((e) => {
        const field = e.extensions?.field;
        return field === undefined ? e.message : `${e.message} (at ${field})`;
      });
      throw new Error(`${url} answered ${res.status}: ${messages.join('; ')}`);
    }
    if (!res.ok || body.data == null) throw new Error(`${url} answered ${res.status}: ${text}`);
    return body.data;
  }

  async function defineSegmentsIfMissing(segments: readonly { name: string; rule: unknown }[]) {
    const { segments: existing } = await graphql<{ segments: { name: string }[] }>(
      '{ segments { name } }',
    );
    const defined = new Set(existing.map((s) => s.name));
    for (const { name, rule } of segments.filter((s) => !defined.has(s.name)))
      await graphql(
        'mutation ($n: String!, $r: JSON!) { defineSegment(name: $n, rule: $r) { id } }',
        {
          n: name,
          r: rule,
        },
      );
  }

  return { graphql, defineSegmentsIfMissing };
}
