import { ViewLink } from '../app/ViewLink';
import { Empty } from '../ui/states';

export interface MembershipChange {
  profileId: string;
  change: 'ENTERED' | 'LEFT';
  at: string;
  reason?: string | null | undefined;
}

/** Entries and exits, newest first; new ones are announced politely to screen readers. */
export function ChangeStream({
  changes,
  hidden,
}: {
  changes: MembershipChange[];
  hidden: boolean;
}) {
  return (
    <section className="stream" aria-labelledby="stream-title">
      <h3 id="stream-title">Entries and exits</h3>
      {hidden && <Empty>Hidden: this segment is below the privacy floor for your role.</Empty>}
      {!hidden && changes.length === 0 && (
        <Empty>No changes yet. New ones appear here as they happen.</Empty>
      )}
      <ol aria-live="polite" aria-relevant="additions" data-testid="change-stream">
        {changes.map((c) => (
          <li
            key={`${c.profileId}-${c.at}-${c.change}`}
            className={c.change === 'ENTERED' ? 'entered' : 'left'}
          >
            <span className="badge">{c.change === 'ENTERED' ? 'entered' : 'left'}</span>{' '}
            <ViewLink view="profiles" params={{ id: c.profileId }}>
              {c.profileId}
            </ViewLink>{' '}
            <span className="reason">{c.reason ?? ''}</span>{' '}
            <time dateTime={c.at}>{new Date(c.at).toLocaleTimeString()}</time>
          </li>
        ))}
      </ol>
    </section>
  );
}
