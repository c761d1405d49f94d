import { useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { canEditSegments, type Session } from '../api/session';
import { ViewLink } from '../app/ViewLink';
import { navigate } from '../app/router';
import { graphql } from '../gql';
import { Empty, ErrorNotice, Loading } from '../ui/states';
import { SegmentDetail } from './SegmentDetail';
import { SegmentEditor } from './SegmentEditor';

const SegmentList = graphql(`
  query SegmentList {
    segments {
      id
      name
      kind
      size
      sizeSuppressed
    }
  }
`);

/** Every segment with its size; the selected one's chart, stream and rule beside. */
export function SegmentsView({ session, params }: { session: Session; params: URLSearchParams }) {
  const { data, loading, error, refetch } = useQuery(SegmentList);
  const [creating, setCreating] = useState(false);
  const segments = data?.segments ?? [];
  const selected = params.get('segment') ?? segments[0]?.id ?? null;
  return (
    <div className="split">
      <section className="list" aria-labelledby="segments-title">
        <div className="list-head">
          <h2 id="segments-title">Segments</h2>
          {canEditSegments(session) && (
            <button type="button" onClick={() => setCreating(true)}>
              New segment
            </button>
          )}
        </div>
        {loading && !data && <Loading what="segments" />}
        {error && !data && <ErrorNotice error={error} retry={() => void refetch()} />}
        {data && segments.length === 0 && <Empty>No segments yet.</Empty>}
        <ul className="segment-list">
          {segments.map((s) => (
            <li key={s.id}>
              <ViewLink view="segments" params={{ segment: s.id }} current={s.id === selected}>
                <span className="name">{s.name}</span>
                <span className="kind">{s.kind === 'CLUSTER' ? 'cluster' : 'rule'}</span>
                <span className="size" data-testid={`segment-size-${s.id}`}>
                  {s.sizeSuppressed ? 'below floor' : s.size.toLocaleString()}
                </span>
              </ViewLink>
            </li>
          ))}
        </ul>
      </section>
      <div className="detail">
        {creating && (
          <SegmentEditor
            onDone={(id) => {
              setCreating(false);
              if (id) {
                void refetch();
                navigate('segments', { segment: id });
              }
            }}
          />
        )}
        {!creating && selected && <SegmentDetail key={selected} id={selected} session={session} />}
      </div>
    </div>
  );
}
