import { queryGraphQL } from './gatewayProcess';

/**
 * A CRM's view of probabilistic matching: distinct people to sync, and the calls the
 * matching tests make (contacts written, profiles and the review queue read).
 */
export const FIRST = [
  'olivia',
  'liam',
  'emma',
  'noah',
  'ava',
  'elijah',
  'sophia',
  'lucas',
  'mia',
  'mateo',
];
const LAST = ['garcia', 'nguyen', 'kowalski', 'okafor', 'lindqvist', 'haddad', 'moreau', 'tanaka'];

/** Distinct people: every name, birth date, id and address differs. */
export const person = (i: number) => ({
  crmId: `p-${i}`,
  firstName: FIRST[i % FIRST.length],
  lastName: LAST[(i * 3) % LAST.length],
  emails: [`person.${i}@example.com`],
  birthDate: `19${50 + i}-0${1 + (i % 9)}-1${i % 10}`,
  address: {
    line1: `${10 + i} ${['oak', 'elm', 'pine', 'cedar', 'birch'][i % 5]} street`,
    city: ['leeds', 'york', 'bath', 'ely'][i % 4],
    postalCode: `${2000 + 37 * i}`,
  },
  attributes: { nationalId: `${4_000_000 + 7919 * i}` },
});

/** The API calls the matching tests make, against the gateway at `url`. */
export function crmMatchingClient(url: string) {
  const gql = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) =>
    queryGraphQL<T>(url, query, variables);

  const upsert = async (input: Record<string, unknown>) =>
    (
      await gql<{ upsertCrmContact: { id: string } }>(
        `mutation($i: CrmContactInput!) { upsertCrmContact(input: $i) { id } }`,
        { i: input },
      )
    ).upsertCrmContact.id;

  const profileOf = async (crmId: string) =>
    (
      await gql<{
        profileByIdentifier: {
          id: string;
          mergeLog: {
            reason: string;
            survivorId: string;
            mergedId: string;
            recordId: string | null;
            explanation: string;
            match: {
              probability: number;
              modelVersion: number;
              fields: { field: string; level: string | null; weight: number }[];
            } | null;
          }[];
        };
      }>(
        `query($v: String!) { profileByIdentifier(kind: CRM_ID, value: $v) { id
          mergeLog { reason survivorId mergedId recordId explanation
            match { probability modelVersion fields { field level weight } } } } }`,
        { v: crmId },
      )
    ).profileByIdentifier;

  const openReviews = async () =>
    (
      await gql<{
        reviewQueue: {
          edges: {
            node: {
              id: string;
              recordId: string;
              candidateRecordId: string;
              probability: number;
              status: string;
              profile: { id: string };
              candidateProfile: { id: string };
            };
          }[];
        };
      }>(
        `{ reviewQueue(first: 50) { edges { node { id recordId candidateRecordId probability status
            profile { id } candidateProfile { id } } } } }`,
      )
    ).reviewQueue.edges.map((e) => e.node);

  return { gql, upsert, profileOf, openReviews };
}
