import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { describeError } from '../api/errors';
import { ViewLink } from '../app/ViewLink';
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
  // Set from a decision until the queue is read again: the pair on screen is then stale,
  // and a second key press (or a held key's repeats) must not decide it, or the next, unseen.
  const [pending, setPending] = useState(false);
  const pendingRef = useRef(false);
  const region = useRef<HTMLElement>(null);
  const items = (data?.reviewQueue.edges ?? []).map((e) => e.node);
  const shown = Math.min(index, Math.max(0, items.length - 1));
  const item = items[shown];

  useEffect(() => region.current?.focus(), [item?.id]);

  const decide = async (decision: 'ACCEPT' | 'REJECT') => {
    if (!item || pendingRef.current) return;
    pendingRef.current = true;
    setPending(true);
    try {
      const res = await resolve({ variables: { id: item.id, decision } });
      setOutcome({
        decision,
        profileId: res.data?.resolveReview.profile?.id ?? item.profile?.id ?? null,
        pair: `${item.recordId} / ${item.candidateRecordId}`,
      });
      await refetch();
    } catch {
      // Shown from the mutation's error state. The pair may have been decided elsewhere
      // (settling, another admin): read the queue again rather than offer it forever.
      await refetch().catch(() => undefined);
    } finally {
      pendingRef.current = false;
      setPending(false);
      // The buttons were disabled under the focus: give it back to the queue, where keys work.
      region.current?.focus();
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.repeat || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target instanceof HTMLElement && e.target.closest('input, textarea, select')) return;
    const key = e.key.toLowerCase();
    if (key === 'a') void decide('ACCEPT');
    else if (key === 'r') void decide('REJECT');
    else if (pendingRef.current) return;
    else if (key === 'j') setIndex(Math.min(shown + 1, Math.max(0, items.length - 1)));
    else if (key === 'k') setIndex(Math.max(shown - 1, 0));
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
        <article aria-label={`Pair ${shown + 1} of ${items.length}`} aria-busy={pending}>
          <p>
            Pair {shown + 1} of {items.length}: match probability{' '}
            <strong>{item.probability.toFixed(3)}</strong>
          </p>
          <PairEvidence item={item} />
          <div className="actions">
            <button
              type="button"
              onClick={() => void decide('ACCEPT')}
              disabled={pending}
              aria-keyshortcuts="A"
            >
              Accept: same person
            </button>
            <button
              type="button"
              onClick={() => void decide('REJECT')}
              disabled={pending}
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
