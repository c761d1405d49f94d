import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/**
 * Anchor 1 of the profile read: a plain Apollo Server 5 answering the frontend query from
 * one static, in-memory profile of the same shape (a real answer of the gateway), over
 * Apollo's own standalone HTTP server. No store, no auth, no limits, no plugins: what the
 * framework itself serves on this machine, the ceiling for any gateway built on it.
 */
const TYPE_DEFS = `#graphql
  scalar JSON
  type Identifier { kind: String! value: String! }
  type Segment { id: ID! name: String! }
  type Event { id: ID! type: String! event: String timestamp: String! }
  type CurrencyTotal { currency: String! amount: Float! }
  type OrderStats { count: Int! totals: [CurrencyTotal!]! }
  type Profile {
    id: ID!
    identifiers: [Identifier!]!
    traits: JSON!
    computedTraits: JSON
    segments: [Segment!]!
    recentEvents(first: Int): [Event!]!
    orderStats: OrderStats!
  }
  enum IdentifierKind { EMAIL USER_ID ANONYMOUS_ID CUSTOMER_ID CRM_ID PHONE }
  type Query { profileByIdentifier(kind: IdentifierKind!, value: String!): Profile }
`;

export interface StaticApollo {
  url: string;
  stop(): Promise<void>;
}

export async function startStaticApollo(profile: Record<string, unknown>): Promise<StaticApollo> {
  const server = new ApolloServer({
    typeDefs: TYPE_DEFS,
    resolvers: { Query: { profileByIdentifier: () => profile } },
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
}
