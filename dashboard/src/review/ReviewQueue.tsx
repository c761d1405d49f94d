import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { describeError } from '../api/errors';
import { ViewLink } from '../app/Shell';
import { graphql } from '../gql';
import { Empty, ErrorNotice, Loading } from '../ui/states';
import { PairEvidence } from './PairEvidence';

const OpenReviews = graphql(`
  query OpenReviews {
    reviewQueue(first: 50) {
      edges {
        node {
          id
          probability
          recordId
          candidateRecordId
          createdAt
          profile {
            id
            identifiers {
              kind
              value
            }
          }
          candidateProfile {
            id
            identifiers {
              kind
              value
            }
          }
          score {
            fields {
              field
              level
              weight
            }
          }
        }
      }
    }
  }
`);

const ResolveReview = graphql(`
  mutation ResolveReview($id: ID!, $decision: ReviewDecision!) {
    resolveReview(id: $id, decision: $decision) {
      id
      status
      profile {
        id
      }
    }
  }
`);

type Outcome = { decision: 'ACCEPT' | 'REJECT'; profileId: string | null; pair: string };

/**
 * Open pairs, one at a time, side by side with their evidence. Keys: A accepts (merge),
 * R rejects (different people), J and K move to the next and previous pair.
 */
export function ReviewQueue() {
  const { data, loading, error, refetch } = useQuery(OpenReviews, { fetchPolicy: 'network-only' });
  const [resolve, resolving] = useMutation(ResolveReview);
  const [index, setIndex] = useState(0);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const region = useRef<HTMLElement>(null);
  const items = (data?.reviewQueue.edges ?? []).map((e) => e.node);
  const item = items[Math.min(index, Math.max(0, items.length - 1))];

  useEffect(() => region.current?.focus(), [item?.id]);

  const decide = async (decision: 'ACCEPT' | 'REJECT') => {
    if (!item || resolving.loading) return;
    try {
      const res = await resolve({ variables: { id: item.id, decision } });
      setOutcome({
        decision,
        profileId: res.data?.resolveReview.profile?.id ?? item.profile?.id ?? null,
        pair: `${item.recordId} / ${item.candidateRecordId}`,
      });
      await refetch();
    } catch {
      // Shown from the mutation's error state.
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.altKey || e.ctrlKey || e.metaKey) return;
    const key = e.key.toLowerCase();
    if (key === 'a') void decide('ACCEPT');
    else if (key === 'r') void decide('REJECT');
    else if (key === 'j') setIndex((i) => Math.min(i + 1, items.length - 1));
    else if (key === 'k') setIndex((i) => Math.max(i - 1, 0));
    else return;
    e.preventDefault();
  };

  return (
    <section
      className="review"
      aria-labelledby="review-title"
      tabIndex={-1}
      ref={region}
      onKeyDown={onKey}
    >
      <h2 id="review-title">Review queue</h2>
      <p className="hint">
        <kbd>A</kbd> accept (same person, merge) · <kbd>R</kbd> reject (different people) ·{' '}
        <kbd>J</kbd>/<kbd>K</kbd> next / previous
      </p>
      {outcome && (
        <p className="outcome" role="status" data-testid="review-outcome">
          {outcome.decision === 'ACCEPT' ? 'Merged' : 'Kept apart'}: {outcome.pair}.{' '}
          {outcome.decision === 'ACCEPT' && outcome.profileId && (
            <ViewLink view="profiles" params={{ id: outcome.profileId }}>
              Open the merged profile {outcome.profileId}
            </ViewLink>
          )}
        </p>
      )}
      {resolving.error && (
        <p className="state error" role="alert">
          {describeError(resolving.error)}
        </p>
      )}
      {loading && !data && <Loading what="the review queue" />}
      {error && !data && <ErrorNotice error={error} retry={() => void refetch()} />}
      {data && items.length === 0 && (
        <Empty>Nothing to review: every scored pair is decided.</Empty>
      )}
      {item && (
        <article aria-label={`Pair ${index + 1} of ${items.length}`}>
          <p>
            Pair {Math.min(index, items.length - 1) + 1} of {items.length}: match probability{' '}
            <strong>{item.probability.toFixed(3)}</strong>
          </p>
          <PairEvidence item={item} />
          <div className="actions">
            <button
              type="button"
              onClick={() => void decide('ACCEPT')}
              disabled={resolving.loading}
              aria-keyshortcuts="A"
            >
              Accept: same person
            </button>
            <button
              type="button"
              onClick={() => void decide('REJECT')}
              disabled={resolving.loading}
              aria-keyshortcuts="R"
            >
              Reject: different people
            </button>
          </div>
        </article>
      )}
    </section>
  );
}
