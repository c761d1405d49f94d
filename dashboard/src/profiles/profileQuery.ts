import { graphql } from '../gql';

// One selection for a profile, whichever way it was found: the view needs all of it.
graphql(`
  fragment ProfileFields on Profile {
    id
    createdAt
    updatedAt
    mergedFrom
    identifiers {
      kind
      value
    }
    traits
    computedTraits
    segments {
      id
      name
    }
    crmRecords {
      crmId
      receivedAt
    }
    orders(first: 10) {
      edges {
        node {
          orderId
          placedAt
          status
          currency
          total
        }
      }
    }
    orderStats {
      count
      totals {
        currency
        amount
      }
    }
    events(first: 10) {
      edges {
        node {
          id
          type
          event
          name
          receivedAt
        }
      }
    }
    eventStats {
      count
      lastSeenAt
    }
    sourceStatus {
      source
      available
      stale
      error
    }
    mergeLog {
      action
      survivorId
      mergedId
      reason
      linkedBy {
        kind
        value
      }
      recordId
      explanation
      note
      match {
        probability
        totalWeight
        fields {
          field
          level
          weight
        }
      }
      undoneBy
      recordIds
      at
    }
  }
`);

export const ProfileById = graphql(`
  query ProfileById($id: ID!) {
    profile(id: $id) {
      ...ProfileFields
    }
  }
`);

export const ProfileByIdentifier = graphql(`
  query ProfileByIdentifier($kind: IdentifierKind!, $value: String!) {
    profileByIdentifier(kind: $kind, value: $value) {
      id
    }
  }
`);
