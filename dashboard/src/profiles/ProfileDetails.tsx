import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { isAdmin, type Session } from '../api/session';
import { ViewLink } from '../app/ViewLink';
import type { ProfileFieldsFragment } from '../gql/graphql';
import { Empty, ErrorNotice, Loading } from '../ui/states';
import { AdminActions } from './AdminActions';
import { identityGraph } from './graphModel';
import { IdentityGraph } from './IdentityGraph';
import { MergeLogList } from './MergeLogList';
import { ProfileById } from './profileQuery';

/** A trait's value as text: objects and lists as JSON, null as an empty cell. */
function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v) ?? '';
}

function JsonTable({ value, caption }: { value: unknown; caption?: string }) {
  const entries =
    value && typeof value === 'object' ? Object.entries(value as Record<string, unknown>) : [];
  if (entries.length === 0)
    return <Empty>None{caption ? ` (${caption.toLowerCase()})` : ''}.</Empty>;
  return (
    <table className="kv">
      {caption && <caption>{caption}</caption>}
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{scalarText(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Activity({ p }: { p: ProfileFieldsFragment }) {
  const orders = p.orders?.edges ?? [];
  const events = p.events?.edges ?? [];
  return (
    <div className="columns">
      <section aria-labelledby="orders-title">
        <h3 id="orders-title">Orders ({p.orderStats?.count ?? 0})</h3>
        {orders.length === 0 ? (
          <Empty>No orders.</Empty>
        ) : (
          <ul>
            {orders.map(({ node: o }) => (
              <li key={o.orderId}>
                {o.orderId}: {o.total.toFixed(2)} {o.currency}, {o.status.toLowerCase()},{' '}
                <time dateTime={o.placedAt}>{new Date(o.placedAt).toLocaleDateString()}</time>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="events-title">
        <h3 id="events-title">Events ({p.eventStats?.count ?? 0})</h3>
        {events.length === 0 ? (
          <Empty>No events.</Empty>
        ) : (
          <ul>
            {events.map(({ node: e }) => (
              <li key={e.id}>
                {e.type.toLowerCase()} {e.event ?? e.name ?? ''}{' '}
                <time dateTime={e.receivedAt}>{new Date(e.receivedAt).toLocaleString()}</time>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

/** One merged profile: who it is, where it came from, and why its parts were merged. */
export function ProfileDetails({ id, session }: { id: string; session: Session }) {
  const { data, loading, error, refetch } = useQuery(ProfileById, { variables: { id } });
  const [entry, setEntry] = useState<number | null>(null);
  const p = data?.profile;
  const graph = useMemo(() => (p ? identityGraph(p) : null), [p]);
  if (loading && !data) return <Loading what="the profile" />;
  if (error && !data) return <ErrorNotice error={error} retry={() => void refetch()} />;
  if (!p || !graph) return <Empty>No profile {id}.</Empty>;
  const stale = p.sourceStatus.filter((s) => s.stale || !s.available);
  return (
    <article className="profile" aria-labelledby="profile-title">
      <header>
        <h2 id="profile-title">Profile {p.id}</h2>
        {p.id !== id && <p>{id} was merged into this profile.</p>}
      </header>
      {stale.map((s) => (
        <p key={s.source} className="alert" role="status">
          {s.source}: {s.available ? 'showing cached data' : 'unavailable'}{' '}
          {s.error ? `(${s.error})` : ''}
        </p>
      ))}
      <div className="columns">
        <section aria-labelledby="ids-title">
          <h3 id="ids-title">Identifiers</h3>
          <ul data-testid="identifiers">
            {p.identifiers.map((i, n) => (
              <li key={n}>
                <span className="kind">{i.kind.toLowerCase().replace('_', ' ')}</span> {i.value}
              </li>
            ))}
          </ul>
          <h3>Segments</h3>
          {p.segments.length === 0 ? (
            <Empty>In no segment.</Empty>
          ) : (
            <ul>
              {p.segments.map((s) => (
                <li key={s.id}>
                  <ViewLink view="segments" params={{ segment: s.id }}>
                    {s.name}
                  </ViewLink>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="traits-title">
          <h3 id="traits-title">Traits</h3>
          <JsonTable value={p.traits} />
          <JsonTable value={p.computedTraits} caption="Computed traits" />
        </section>
      </div>
      <section aria-labelledby="graph-title">
        <h3 id="graph-title">Identity graph</h3>
        <IdentityGraph nodes={graph.nodes} edges={graph.edges} onSelectEntry={setEntry} />
        <MergeLogList
          entries={p.mergeLog}
          selected={entry}
          onSelect={(i) => setEntry(i === entry ? null : i)}
        />
      </section>
      <Activity p={p} />
      {isAdmin(session) && <AdminActions profile={p} onChanged={() => void refetch()} />}
    </article>
  );
}
