import { useApolloClient, useQuery, useSubscription } from '@apollo/client/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { canEditSegments, type Session } from '../api/session';
import { graphql } from '../gql';
import type { SegmentByIdQuery } from '../gql/graphql';
import { ErrorNotice, Loading } from '../ui/states';
import { ChangeStream, type MembershipChange } from './ChangeStream';
import { liveSizeFrom, onAnswer, onChange, onCount, type LiveSize } from './liveSize';
import { RuleView } from './RuleView';
import { SegmentEditor } from './SegmentEditor';
import { SizeChart } from './SizeChart';
import { sizeHistory, type SizePoint } from './sizeHistory';

const SegmentById = graphql(`
  query SegmentById($id: ID!) {
    segment(id: $id) {
      id
      name
      kind
      rule
      size
      sizeSuppressed
      description
      updatedAt
      health(last: 48) {
        points {
          at
          size
        }
        alerts {
          kind
          message
        }
      }
      recentChanges(first: 100) {
        profileId
        change
        at
        reason
      }
    }
  }
`);

const SizeFeed = graphql(`
  subscription SizeFeed($id: ID!) {
    segmentStats(segmentId: $id) {
      segmentId
      size
      sizeSuppressed
      lastChange {
        profileId
        change
        at
      }
    }
  }
`);

const ChangeFeed = graphql(`
  subscription ChangeFeed($id: ID!) {
    segmentMembershipChanged(segmentId: $id) {
      segmentId
      profileId
      change
      at
      reason
    }
  }
`);

const AlertFeed = graphql(`
  subscription AlertFeed($id: ID!) {
    segmentAlert(segmentId: $id) {
      kind
      at
      message
    }
  }
`);

const STREAM_MAX = 200;
/** Live points kept on the chart: an import moves a segment thousands of times an hour. */
const LIVE_POINTS_MAX = 5_000;

type Loaded = NonNullable<SegmentByIdQuery['segment']>;

const pastOf = (s: Loaded): SizePoint[] =>
  sizeHistory(s.size, Date.now() / 1000, s.recentChanges, s.health.points);

/** Hourly history, then the live feeds on top; a reload is never needed to see a change. */
export function SegmentDetail({ id, session }: { id: string; session: Session }) {
  // From the network: the history is walked back from this answer's size, once.
  const { data, loading, error, refetch } = useQuery(SegmentById, {
    variables: { id },
    fetchPolicy: 'network-only',
  });
  const [past, setPast] = useState<SizePoint[] | null>(null);
  const [live, setLive] = useState<SizePoint[]>([]);
  const [changes, setChanges] = useState<MembershipChange[]>([]);
  const [editing, setEditing] = useState(false);
  // The size shown: moved by each change as it arrives, set by the counts (see liveSize).
  const shown = useRef<LiveSize>(liveSizeFrom(null));
  const apollo = useApolloClient();
  // The list beside reads the same cached segment: what the live feeds say moves it too.
  const patchSegment = useCallback(
    (fields: { size?: number; sizeSuppressed?: boolean }) =>
      apollo.cache.modify({
        id: apollo.cache.identify({ __typename: 'Segment', id }),
        fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, () => v])),
      }),
    [apollo, id],
  );
  const show = useCallback(
    (next: LiveSize) => {
      const moved = next.size !== shown.current.size;
      shown.current = next;
      const size = next.size;
      if (size === null || !moved) return;
      setLive((pts) => [...pts, { t: Date.now() / 1000, size }].slice(-LIVE_POINTS_MAX));
      patchSegment({ size });
    },
    [patchSegment],
  );
  const [liveAlerts, setLiveAlerts] = useState<{ kind: string; at: string; message: string }[]>([]);

  const stats = useSubscription(SizeFeed, {
    variables: { id },
    onData: ({ data: msg }) => {
      const s = msg.data?.segmentStats;
      if (!s) return;
      patchSegment({ sizeSuppressed: s.sizeSuppressed });
      show(onCount(shown.current, s));
    },
  });
  const feed = useSubscription(ChangeFeed, {
    variables: { id },
    onData: ({ data: msg }) => {
      const c = msg.data?.segmentMembershipChanged;
      if (!c) return;
      setChanges((list) => [c, ...list].slice(0, STREAM_MAX));
      show(onChange(shown.current, c));
    },
  });

  // A health alert raised while the page is open (the hourly point, or a refit) shows at once.
  const alerts = useSubscription(AlertFeed, {
    variables: { id },
    onData: ({ data: msg }) => {
      const a = msg.data?.segmentAlert;
      if (a) setLiveAlerts((list) => [a, ...list.filter((x) => x.kind !== a.kind)]);
    },
  });

  const segment = data?.segment;
  // Computed from the first answer only: live messages then move the cached size, and
  // walking the old changes back from a newer size would shift the whole past.
  useEffect(() => {
    if (segment && past === null) {
      setPast(pastOf(segment));
      shown.current = onAnswer(shown.current, segment);
    }
  }, [segment, past]);
  const points = useMemo(
    () => [...(past ?? []).filter((p) => p.t < (live[0]?.t ?? Infinity)), ...live],
    [past, live],
  );

  if (loading && !data) return <Loading what="the segment" />;
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (!segment) return <ErrorNotice error={new Error(`No segment ${id}.`)} />;
  if (editing)
    return (
      <SegmentEditor
        segment={segment}
        onDone={(saved) => {
          setEditing(false);
          if (saved === null) return; // cancelled: the chart and the stream go on as they were
          void refetch()
            .then((r) => {
              if (!r.data?.segment) return;
              setLive([]);
              setChanges([]);
              setPast(pastOf(r.data.segment));
              shown.current = onAnswer(liveSizeFrom(null), r.data.segment);
            })
            .catch(() => undefined); // the query's error state shows it
        }}
      />
    );
  const recent = [
    ...changes,
    ...segment.recentChanges.filter(
      (r) => !changes.some((c) => c.at === r.at && c.profileId === r.profileId),
    ),
  ];
  const liveError = stats.error ?? feed.error ?? alerts.error;
  return (
    <article className="segment" aria-labelledby="segment-title">
      <header>
        <h2 id="segment-title">{segment.name}</h2>
        <span className="kind">
          {segment.kind === 'CLUSTER' ? 'cluster segment' : 'rule segment'}
        </span>
        {segment.kind === 'RULE' && canEditSegments(session) && (
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
      </header>
      {segment.description && <p className="description">{segment.description}</p>}
      {[
        ...liveAlerts,
        ...segment.health.alerts.filter((a) => !liveAlerts.some((l) => l.kind === a.kind)),
      ].map((a) => (
        <p key={a.kind} className="alert" role="status">
          {a.kind.toLowerCase()} alert: {a.message}
        </p>
      ))}
      {liveError && <ErrorNotice error={liveError} />}
      <SizeChart points={segment.sizeSuppressed ? [] : points} label={segment.name} />
      <div className="columns">
        <ChangeStream changes={recent} hidden={segment.sizeSuppressed} />
        <section aria-labelledby="rule-title">
          <h3 id="rule-title">Rule</h3>
          <RuleView rule={segment.rule} />
        </section>
      </div>
    </article>
  );
}
