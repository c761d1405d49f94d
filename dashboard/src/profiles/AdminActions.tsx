import { useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { describeError } from '../api/errors';
import { ViewLink } from '../app/ViewLink';
import { navigate } from '../app/router';
import { graphql } from '../gql';
import type { ProfileFieldsFragment } from '../gql/graphql';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { splittableRecords } from './graphModel';

const Unmerge = graphql(`
  mutation Unmerge($profileId: ID!, $recordIds: [String!]!) {
    unmergeProfile(profileId: $profileId, recordIds: $recordIds) {
      unmergeId
      movedProfileIds
      remaining {
        id
        identifiers {
          kind
          value
        }
      }
      split {
        id
        identifiers {
          kind
          value
        }
      }
    }
  }
`);

const Merge = graphql(`
  mutation MergeProfiles($profileId: ID!, $otherProfileId: ID!, $note: String) {
    mergeProfiles(profileId: $profileId, otherProfileId: $otherProfileId, note: $note) {
      id
    }
  }
`);

type Summary = { id: string; identifiers: { kind: string; value: string }[] };

function ProfileCard({ title, profile }: { title: string; profile: Summary }) {
  return (
    <section className="card" aria-label={`${title}: ${profile.id}`}>
      <h4>
        {title}:{' '}
        <ViewLink view="profiles" params={{ id: profile.id }}>
          {profile.id}
        </ViewLink>
      </h4>
      <ul>
        {profile.identifiers.map((i, n) => (
          <li key={n}>
            {i.kind.toLowerCase().replace('_', ' ')} {i.value}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Admin only: split records out of the profile, or merge another profile into it, after a confirmation. */
export function AdminActions({
  profile,
  onChanged,
}: {
  profile: ProfileFieldsFragment;
  onChanged: () => void;
}) {
  const records = splittableRecords(profile);
  const [chosen, setChosen] = useState<string[]>([]);
  const [other, setOther] = useState('');
  const [note, setNote] = useState('');
  const [confirming, setConfirming] = useState<'unmerge' | 'merge' | null>(null);
  const [unmerge, unmerged] = useMutation(Unmerge);
  const [merge, merged] = useMutation(Merge);
  const result = unmerged.data?.unmergeProfile;
  const resultRef = useRef<HTMLDivElement>(null);
  // The button that opened the dialog is disabled once its records are gone: focus goes
  // to what happened instead of falling back to the page.
  useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  const run = async () => {
    try {
      if (confirming === 'unmerge') {
        merged.reset();
        await unmerge({ variables: { profileId: profile.id, recordIds: chosen } });
      } else if (confirming === 'merge') {
        unmerged.reset();
        const res = await merge({
          variables: {
            profileId: profile.id,
            otherProfileId: other.trim(),
            note: note.trim() || null,
          },
        });
        const survivor = res.data?.mergeProfiles.id;
        if (survivor && survivor !== profile.id) navigate('profiles', { id: survivor });
      }
      onChanged();
    } catch {
      // Shown below from the mutation's error state.
    } finally {
      setConfirming(null);
      setChosen([]);
    }
  };
  const error = unmerged.error ?? merged.error;

  return (
    <section className="admin" aria-labelledby="admin-title">
      <h3 id="admin-title">Merge and unmerge</h3>
      <fieldset>
        <legend>Split records out of this profile</legend>
        {records.length === 0 && <p>No records to split out.</p>}
        {records.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(r)}
              onChange={(e) =>
                setChosen((c) => (e.target.checked ? [...c, r] : c.filter((x) => x !== r)))
              }
            />
            {r}
          </label>
        ))}
        <button
          type="button"
          disabled={chosen.length === 0}
          onClick={() => setConfirming('unmerge')}
        >
          Unmerge selected…
        </button>
      </fieldset>
      <fieldset>
        <legend>Merge another profile into this one</legend>
        <label htmlFor="merge-other">Other profile id</label>
        <input id="merge-other" value={other} onChange={(e) => setOther(e.target.value)} />
        <label htmlFor="merge-note">Note (kept in the merge log)</label>
        <input id="merge-note" value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="button" disabled={!other.trim()} onClick={() => setConfirming('merge')}>
          Merge…
        </button>
      </fieldset>
      {error && (
        <p className="state error" role="alert">
          {describeError(error)}
        </p>
      )}
      {result && (
        <div
          className="unmerge-result"
          role="status"
          data-testid="unmerge-result"
          tabIndex={-1}
          ref={resultRef}
        >
          <p>Unmerged: {result.movedProfileIds.length} profile(s) moved out.</p>
          <div className="columns">
            <ProfileCard title="Remaining" profile={result.remaining} />
            <ProfileCard title="Split out" profile={result.split} />
          </div>
        </div>
      )}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming === 'merge' ? 'Merge these profiles?' : 'Unmerge these records?'}
        confirmLabel={confirming === 'merge' ? 'Merge' : 'Unmerge'}
        busy={unmerged.loading || merged.loading}
        onConfirm={() => void run()}
        onCancel={() => setConfirming(null)}
      >
        {confirming === 'merge' ? (
          <p>
            {other.trim()} and {profile.id} become one profile (the older id survives). Automatic
            matching will treat them as one person.
          </p>
        ) : (
          <p>
            {chosen.join(', ')} leave {profile.id} with their identifiers, events and orders, and
            are never merged back automatically.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
