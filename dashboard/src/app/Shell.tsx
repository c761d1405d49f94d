import { useSyncExternalStore } from 'react';
import type { ApiClient } from '../api/client';
import { isAdmin, type Session } from '../api/session';
import { OperationsStrip } from '../ops/OperationsStrip';
import { ProfilesView } from '../profiles/ProfilesView';
import { ReviewQueue } from '../review/ReviewQueue';
import { SegmentsView } from '../segments/SegmentsView';
import { usePlace, type View } from './router';
import { ViewLink } from './ViewLink';

const VIEWS: { view: View; label: string; adminOnly?: boolean }[] = [
  { view: 'segments', label: 'Segments' },
  { view: 'profiles', label: 'Profiles' },
  { view: 'review', label: 'Review queue', adminOnly: true },
];

const LIVE_TEXT = {
  idle: 'live updates idle',
  connecting: 'connecting…',
  live: 'live',
  offline: 'live updates offline',
} as const;

function LiveBadge({ client }: { client: ApiClient }) {
  const status = useSyncExternalStore(client.live.subscribe, client.live.get);
  return (
    <span className={`live ${status}`} role="status" data-testid="live-status">
      <span className="dot" aria-hidden="true" /> {LIVE_TEXT[status]}
    </span>
  );
}

export function Shell(props: { session: Session; client: ApiClient; onSignOut: () => void }) {
  const { session, onSignOut } = props;
  const place = usePlace();
  const views = VIEWS.filter((v) => !v.adminOnly || isAdmin(session));
  const view = views.some((v) => v.view === place.view) ? place.view : 'segments';
  return (
    <div className="shell">
      <header className="top">
        <span className="brand">Mosaic</span>
        <nav aria-label="Views">
          {views.map((v) => (
            <ViewLink key={v.view} view={v.view} current={v.view === view}>
              {v.label}
            </ViewLink>
          ))}
        </nav>
        <LiveBadge client={props.client} />
        <span className="who" title={session.subject}>
          {session.role.toLowerCase()}
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {session.role !== 'READER' && <OperationsStrip />}
      <main>
        {view === 'segments' && <SegmentsView session={session} params={place.params} />}
        {view === 'profiles' && <ProfilesView session={session} params={place.params} />}
        {view === 'review' && <ReviewQueue />}
      </main>
    </div>
  );
}
