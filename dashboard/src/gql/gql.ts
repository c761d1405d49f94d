/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query WhoAmI {\n    whoami {\n      role\n      subject\n    }\n  }\n": typeof types.WhoAmIDocument,
    "\n  query Operations {\n    operationsStatus {\n      ready\n      at\n      checks {\n        name\n        ok\n        error\n      }\n      sources {\n        name\n        breaker\n        failures\n        timeouts\n        staleItems\n      }\n      queues {\n        name\n        waiting\n        active\n        delayed\n        failed\n      }\n    }\n    pipelineStatus {\n      backlog\n      oldestWaitingSeconds\n      lagP99Seconds\n    }\n  }\n": typeof types.OperationsDocument,
    "\n  mutation Unmerge($profileId: ID!, $recordIds: [String!]!) {\n    unmergeProfile(profileId: $profileId, recordIds: $recordIds) {\n      unmergeId\n      movedProfileIds\n      remaining {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n      split {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n    }\n  }\n": typeof types.UnmergeDocument,
    "\n  mutation MergeProfiles($profileId: ID!, $otherProfileId: ID!, $note: String) {\n    mergeProfiles(profileId: $profileId, otherProfileId: $otherProfileId, note: $note) {\n      id\n    }\n  }\n": typeof types.MergeProfilesDocument,
    "\n  fragment ProfileFields on Profile {\n    id\n    createdAt\n    updatedAt\n    mergedFrom\n    identifiers {\n      kind\n      value\n    }\n    traits\n    computedTraits\n    segments {\n      id\n      name\n    }\n    crmRecords {\n      crmId\n      receivedAt\n    }\n    orders(first: 10) {\n      edges {\n        node {\n          orderId\n          placedAt\n          status\n          currency\n          total\n        }\n      }\n    }\n    orderStats {\n      count\n      totals {\n        currency\n        amount\n      }\n    }\n    events(first: 10) {\n      edges {\n        node {\n          id\n          type\n          event\n          name\n          receivedAt\n        }\n      }\n    }\n    eventStats {\n      count\n      lastSeenAt\n    }\n    sourceStatus {\n      source\n      available\n      stale\n      error\n    }\n    mergeLog {\n      action\n      survivorId\n      mergedId\n      reason\n      linkedBy {\n        kind\n        value\n      }\n      recordId\n      explanation\n      note\n      match {\n        probability\n        totalWeight\n        fields {\n          field\n          level\n          weight\n        }\n      }\n      undoneBy\n      recordIds\n      at\n    }\n  }\n": typeof types.ProfileFieldsFragmentDoc,
    "\n  query ProfileById($id: ID!) {\n    profile(id: $id) {\n      ...ProfileFields\n    }\n  }\n": typeof types.ProfileByIdDocument,
    "\n  query ProfileByIdentifier($kind: IdentifierKind!, $value: String!) {\n    profileByIdentifier(kind: $kind, value: $value) {\n      id\n    }\n  }\n": typeof types.ProfileByIdentifierDocument,
    "\n  query PairExplanation($a: ID!, $b: ID!) {\n    matchExplanation(profileA: $a, profileB: $b) {\n      probability\n      fields {\n        field\n        level\n        valueA\n        valueB\n        weight\n      }\n    }\n  }\n": typeof types.PairExplanationDocument,
    "\n  query OpenReviews {\n    reviewQueue(first: 50) {\n      edges {\n        node {\n          id\n          probability\n          recordId\n          candidateRecordId\n          createdAt\n          profile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          candidateProfile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          score {\n            fields {\n              field\n              level\n              weight\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.OpenReviewsDocument,
    "\n  mutation ResolveReview($id: ID!, $decision: ReviewDecision!) {\n    resolveReview(id: $id, decision: $decision) {\n      id\n      status\n      profile {\n        id\n      }\n    }\n  }\n": typeof types.ResolveReviewDocument,
    "\n  query SegmentById($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      kind\n      rule\n      size\n      sizeSuppressed\n      description\n      updatedAt\n      health(last: 48) {\n        points {\n          at\n          size\n        }\n        alerts {\n          kind\n          message\n        }\n      }\n      recentChanges(first: 100) {\n        profileId\n        change\n        at\n        reason\n      }\n    }\n  }\n": typeof types.SegmentByIdDocument,
    "\n  subscription SizeFeed($id: ID!) {\n    segmentStats(segmentId: $id) {\n      segmentId\n      size\n      sizeSuppressed\n      lastChange {\n        profileId\n        change\n        at\n      }\n    }\n  }\n": typeof types.SizeFeedDocument,
    "\n  subscription ChangeFeed($id: ID!) {\n    segmentMembershipChanged(segmentId: $id) {\n      segmentId\n      profileId\n      change\n      at\n      reason\n    }\n  }\n": typeof types.ChangeFeedDocument,
    "\n  subscription AlertFeed($id: ID!) {\n    segmentAlert(segmentId: $id) {\n      kind\n      at\n      message\n    }\n  }\n": typeof types.AlertFeedDocument,
    "\n  mutation DefineSegment($name: String!, $rule: JSON!, $purpose: String) {\n    defineSegment(name: $name, rule: $rule, purpose: $purpose) {\n      id\n      name\n      rule\n      size\n    }\n  }\n": typeof types.DefineSegmentDocument,
    "\n  mutation UpdateSegment($id: ID!, $name: String, $rule: JSON) {\n    updateSegment(id: $id, name: $name, rule: $rule) {\n      id\n      name\n      rule\n      size\n    }\n  }\n": typeof types.UpdateSegmentDocument,
    "\n  query SegmentList {\n    segments {\n      id\n      name\n      kind\n      size\n      sizeSuppressed\n    }\n  }\n": typeof types.SegmentListDocument,
};
const documents: Documents = {
    "\n  query WhoAmI {\n    whoami {\n      role\n      subject\n    }\n  }\n": types.WhoAmIDocument,
    "\n  query Operations {\n    operationsStatus {\n      ready\n      at\n      checks {\n        name\n        ok\n        error\n      }\n      sources {\n        name\n        breaker\n        failures\n        timeouts\n        staleItems\n      }\n      queues {\n        name\n        waiting\n        active\n        delayed\n        failed\n      }\n    }\n    pipelineStatus {\n      backlog\n      oldestWaitingSeconds\n      lagP99Seconds\n    }\n  }\n": types.OperationsDocument,
    "\n  mutation Unmerge($profileId: ID!, $recordIds: [String!]!) {\n    unmergeProfile(profileId: $profileId, recordIds: $recordIds) {\n      unmergeId\n      movedProfileIds\n      remaining {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n      split {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n    }\n  }\n": types.UnmergeDocument,
    "\n  mutation MergeProfiles($profileId: ID!, $otherProfileId: ID!, $note: String) {\n    mergeProfiles(profileId: $profileId, otherProfileId: $otherProfileId, note: $note) {\n      id\n    }\n  }\n": types.MergeProfilesDocument,
    "\n  fragment ProfileFields on Profile {\n    id\n    createdAt\n    updatedAt\n    mergedFrom\n    identifiers {\n      kind\n      value\n    }\n    traits\n    computedTraits\n    segments {\n      id\n      name\n    }\n    crmRecords {\n      crmId\n      receivedAt\n    }\n    orders(first: 10) {\n      edges {\n        node {\n          orderId\n          placedAt\n          status\n          currency\n          total\n        }\n      }\n    }\n    orderStats {\n      count\n      totals {\n        currency\n        amount\n      }\n    }\n    events(first: 10) {\n      edges {\n        node {\n          id\n          type\n          event\n          name\n          receivedAt\n        }\n      }\n    }\n    eventStats {\n      count\n      lastSeenAt\n    }\n    sourceStatus {\n      source\n      available\n      stale\n      error\n    }\n    mergeLog {\n      action\n      survivorId\n      mergedId\n      reason\n      linkedBy {\n        kind\n        value\n      }\n      recordId\n      explanation\n      note\n      match {\n        probability\n        totalWeight\n        fields {\n          field\n          level\n          weight\n        }\n      }\n      undoneBy\n      recordIds\n      at\n    }\n  }\n": types.ProfileFieldsFragmentDoc,
    "\n  query ProfileById($id: ID!) {\n    profile(id: $id) {\n      ...ProfileFields\n    }\n  }\n": types.ProfileByIdDocument,
    "\n  query ProfileByIdentifier($kind: IdentifierKind!, $value: String!) {\n    profileByIdentifier(kind: $kind, value: $value) {\n      id\n    }\n  }\n": types.ProfileByIdentifierDocument,
    "\n  query PairExplanation($a: ID!, $b: ID!) {\n    matchExplanation(profileA: $a, profileB: $b) {\n      probability\n      fields {\n        field\n        level\n        valueA\n        valueB\n        weight\n      }\n    }\n  }\n": types.PairExplanationDocument,
    "\n  query OpenReviews {\n    reviewQueue(first: 50) {\n      edges {\n        node {\n          id\n          probability\n          recordId\n          candidateRecordId\n          createdAt\n          profile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          candidateProfile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          score {\n            fields {\n              field\n              level\n              weight\n            }\n          }\n        }\n      }\n    }\n  }\n": types.OpenReviewsDocument,
    "\n  mutation ResolveReview($id: ID!, $decision: ReviewDecision!) {\n    resolveReview(id: $id, decision: $decision) {\n      id\n      status\n      profile {\n        id\n      }\n    }\n  }\n": types.ResolveReviewDocument,
    "\n  query SegmentById($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      kind\n      rule\n      size\n      sizeSuppressed\n      description\n      updatedAt\n      health(last: 48) {\n        points {\n          at\n          size\n        }\n        alerts {\n          kind\n          message\n        }\n      }\n      recentChanges(first: 100) {\n        profileId\n        change\n        at\n        reason\n      }\n    }\n  }\n": types.SegmentByIdDocument,
    "\n  subscription SizeFeed($id: ID!) {\n    segmentStats(segmentId: $id) {\n      segmentId\n      size\n      sizeSuppressed\n      lastChange {\n        profileId\n        change\n        at\n      }\n    }\n  }\n": types.SizeFeedDocument,
    "\n  subscription ChangeFeed($id: ID!) {\n    segmentMembershipChanged(segmentId: $id) {\n      segmentId\n      profileId\n      change\n      at\n      reason\n    }\n  }\n": types.ChangeFeedDocument,
    "\n  subscription AlertFeed($id: ID!) {\n    segmentAlert(segmentId: $id) {\n      kind\n      at\n      message\n    }\n  }\n": types.AlertFeedDocument,
    "\n  mutation DefineSegment($name: String!, $rule: JSON!, $purpose: String) {\n    defineSegment(name: $name, rule: $rule, purpose: $purpose) {\n      id\n      name\n      rule\n      size\n    }\n  }\n": types.DefineSegmentDocument,
    "\n  mutation UpdateSegment($id: ID!, $name: String, $rule: JSON) {\n    updateSegment(id: $id, name: $name, rule: $rule) {\n      id\n      name\n      rule\n      size\n    }\n  }\n": types.UpdateSegmentDocument,
    "\n  query SegmentList {\n    segments {\n      id\n      name\n      kind\n      size\n      sizeSuppressed\n    }\n  }\n": types.SegmentListDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WhoAmI {\n    whoami {\n      role\n      subject\n    }\n  }\n"): (typeof documents)["\n  query WhoAmI {\n    whoami {\n      role\n      subject\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Operations {\n    operationsStatus {\n      ready\n      at\n      checks {\n        name\n        ok\n        error\n      }\n      sources {\n        name\n        breaker\n        failures\n        timeouts\n        staleItems\n      }\n      queues {\n        name\n        waiting\n        active\n        delayed\n        failed\n      }\n    }\n    pipelineStatus {\n      backlog\n      oldestWaitingSeconds\n      lagP99Seconds\n    }\n  }\n"): (typeof documents)["\n  query Operations {\n    operationsStatus {\n      ready\n      at\n      checks {\n        name\n        ok\n        error\n      }\n      sources {\n        name\n        breaker\n        failures\n        timeouts\n        staleItems\n      }\n      queues {\n        name\n        waiting\n        active\n        delayed\n        failed\n      }\n    }\n    pipelineStatus {\n      backlog\n      oldestWaitingSeconds\n      lagP99Seconds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Unmerge($profileId: ID!, $recordIds: [String!]!) {\n    unmergeProfile(profileId: $profileId, recordIds: $recordIds) {\n      unmergeId\n      movedProfileIds\n      remaining {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n      split {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Unmerge($profileId: ID!, $recordIds: [String!]!) {\n    unmergeProfile(profileId: $profileId, recordIds: $recordIds) {\n      unmergeId\n      movedProfileIds\n      remaining {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n      split {\n        id\n        identifiers {\n          kind\n          value\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MergeProfiles($profileId: ID!, $otherProfileId: ID!, $note: String) {\n    mergeProfiles(profileId: $profileId, otherProfileId: $otherProfileId, note: $note) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation MergeProfiles($profileId: ID!, $otherProfileId: ID!, $note: String) {\n    mergeProfiles(profileId: $profileId, otherProfileId: $otherProfileId, note: $note) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProfileFields on Profile {\n    id\n    createdAt\n    updatedAt\n    mergedFrom\n    identifiers {\n      kind\n      value\n    }\n    traits\n    computedTraits\n    segments {\n      id\n      name\n    }\n    crmRecords {\n      crmId\n      receivedAt\n    }\n    orders(first: 10) {\n      edges {\n        node {\n          orderId\n          placedAt\n          status\n          currency\n          total\n        }\n      }\n    }\n    orderStats {\n      count\n      totals {\n        currency\n        amount\n      }\n    }\n    events(first: 10) {\n      edges {\n        node {\n          id\n          type\n          event\n          name\n          receivedAt\n        }\n      }\n    }\n    eventStats {\n      count\n      lastSeenAt\n    }\n    sourceStatus {\n      source\n      available\n      stale\n      error\n    }\n    mergeLog {\n      action\n      survivorId\n      mergedId\n      reason\n      linkedBy {\n        kind\n        value\n      }\n      recordId\n      explanation\n      note\n      match {\n        probability\n        totalWeight\n        fields {\n          field\n          level\n          weight\n        }\n      }\n      undoneBy\n      recordIds\n      at\n    }\n  }\n"): (typeof documents)["\n  fragment ProfileFields on Profile {\n    id\n    createdAt\n    updatedAt\n    mergedFrom\n    identifiers {\n      kind\n      value\n    }\n    traits\n    computedTraits\n    segments {\n      id\n      name\n    }\n    crmRecords {\n      crmId\n      receivedAt\n    }\n    orders(first: 10) {\n      edges {\n        node {\n          orderId\n          placedAt\n          status\n          currency\n          total\n        }\n      }\n    }\n    orderStats {\n      count\n      totals {\n        currency\n        amount\n      }\n    }\n    events(first: 10) {\n      edges {\n        node {\n          id\n          type\n          event\n          name\n          receivedAt\n        }\n      }\n    }\n    eventStats {\n      count\n      lastSeenAt\n    }\n    sourceStatus {\n      source\n      available\n      stale\n      error\n    }\n    mergeLog {\n      action\n      survivorId\n      mergedId\n      reason\n      linkedBy {\n        kind\n        value\n      }\n      recordId\n      explanation\n      note\n      match {\n        probability\n        totalWeight\n        fields {\n          field\n          level\n          weight\n        }\n      }\n      undoneBy\n      recordIds\n      at\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProfileById($id: ID!) {\n    profile(id: $id) {\n      ...ProfileFields\n    }\n  }\n"): (typeof documents)["\n  query ProfileById($id: ID!) {\n    profile(id: $id) {\n      ...ProfileFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProfileByIdentifier($kind: IdentifierKind!, $value: String!) {\n    profileByIdentifier(kind: $kind, value: $value) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query ProfileByIdentifier($kind: IdentifierKind!, $value: String!) {\n    profileByIdentifier(kind: $kind, value: $value) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PairExplanation($a: ID!, $b: ID!) {\n    matchExplanation(profileA: $a, profileB: $b) {\n      probability\n      fields {\n        field\n        level\n        valueA\n        valueB\n        weight\n      }\n    }\n  }\n"): (typeof documents)["\n  query PairExplanation($a: ID!, $b: ID!) {\n    matchExplanation(profileA: $a, profileB: $b) {\n      probability\n      fields {\n        field\n        level\n        valueA\n        valueB\n        weight\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenReviews {\n    reviewQueue(first: 50) {\n      edges {\n        node {\n          id\n          probability\n          recordId\n          candidateRecordId\n          createdAt\n          profile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          candidateProfile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          score {\n            fields {\n              field\n              level\n              weight\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query OpenReviews {\n    reviewQueue(first: 50) {\n      edges {\n        node {\n          id\n          probability\n          recordId\n          candidateRecordId\n          createdAt\n          profile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          candidateProfile {\n            id\n            identifiers {\n              kind\n              value\n            }\n          }\n          score {\n            fields {\n              field\n              level\n              weight\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveReview($id: ID!, $decision: ReviewDecision!) {\n    resolveReview(id: $id, decision: $decision) {\n      id\n      status\n      profile {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveReview($id: ID!, $decision: ReviewDecision!) {\n    resolveReview(id: $id, decision: $decision) {\n      id\n      status\n      profile {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SegmentById($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      kind\n      rule\n      size\n      sizeSuppressed\n      description\n      updatedAt\n      health(last: 48) {\n        points {\n          at\n          size\n        }\n        alerts {\n          kind\n          message\n        }\n      }\n      recentChanges(first: 100) {\n        profileId\n        change\n        at\n        reason\n      }\n    }\n  }\n"): (typeof documents)["\n  query SegmentById($id: ID!) {\n    segment(id: $id) {\n      id\n      name\n      kind\n      rule\n      size\n      sizeSuppressed\n      description\n      updatedAt\n      health(last: 48) {\n        points {\n          at\n          size\n        }\n        alerts {\n          kind\n          message\n        }\n      }\n      recentChanges(first: 100) {\n        profileId\n        change\n        at\n        reason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SizeFeed($id: ID!) {\n    segmentStats(segmentId: $id) {\n      segmentId\n      size\n      sizeSuppressed\n      lastChange {\n        profileId\n        change\n        at\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription SizeFeed($id: ID!) {\n    segmentStats(segmentId: $id) {\n      segmentId\n      size\n      sizeSuppressed\n      lastChange {\n        profileId\n        change\n        at\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ChangeFeed($id: ID!) {\n    segmentMembershipChanged(segmentId: $id) {\n      segmentId\n      profileId\n      change\n      at\n      reason\n    }\n  }\n"): (typeof documents)["\n  subscription ChangeFeed($id: ID!) {\n    segmentMembershipChanged(segmentId: $id) {\n      segmentId\n      profileId\n      change\n      at\n      reason\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertFeed($id: ID!) {\n    segmentAlert(segmentId: $id) {\n      kind\n      at\n      message\n    }\n  }\n"): (typeof documents)["\n  subscription AlertFeed($id: ID!) {\n    segmentAlert(segmentId: $id) {\n      kind\n      at\n      message\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DefineSegment($name: String!, $rule: JSON!, $purpose: String) {\n    defineSegment(name: $name, rule: $rule, purpose: $purpose) {\n      id\n      name\n      rule\n      size\n    }\n  }\n"): (typeof documents)["\n  mutation DefineSegment($name: String!, $rule: JSON!, $purpose: String) {\n    defineSegment(name: $name, rule: $rule, purpose: $purpose) {\n      id\n      name\n      rule\n      size\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSegment($id: ID!, $name: String, $rule: JSON) {\n    updateSegment(id: $id, name: $name, rule: $rule) {\n      id\n      name\n      rule\n      size\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateSegment($id: ID!, $name: String, $rule: JSON) {\n    updateSegment(id: $id, name: $name, rule: $rule) {\n      id\n      name\n      rule\n      size\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SegmentList {\n    segments {\n      id\n      name\n      kind\n      size\n      sizeSuppressed\n    }\n  }\n"): (typeof documents)["\n  query SegmentList {\n    segments {\n      id\n      name\n      kind\n      size\n      sizeSuppressed\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;