import { useLazyQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { describeError } from '../api/errors';
import type { Session } from '../api/session';
import { navigate } from '../app/router';
import type { IdentifierKind } from '../gql/graphql';
import { Empty } from '../ui/states';
import { ProfileDetails } from './ProfileDetails';
import { ProfileByIdentifier } from './profileQuery';

const KINDS: { kind: IdentifierKind; label: string }[] = [
  { kind: 'EMAIL', label: 'Email' },
  { kind: 'PHONE', label: 'Phone' },
  { kind: 'CRM_ID', label: 'CRM id' },
  { kind: 'CUSTOMER_ID', label: 'Customer id' },
  { kind: 'USER_ID', label: 'User id' },
  { kind: 'ANONYMOUS_ID', label: 'Anonymous id' },
];

/**
 * Finds a profile by any identifier (normalised by the gateway as on write, so a messy
 * email finds it). The identifier is never put in the address: only the profile id is.
 */
export function ProfilesView({ session, params }: { session: Session; params: URLSearchParams }) {
  const [kind, setKind] = useState<IdentifierKind>('EMAIL');
  const [value, setValue] = useState('');
  const [find, found] = useLazyQuery(ProfileByIdentifier, { fetchPolicy: 'network-only' });
  // The gateway answered the last search with no profile.
  const notFound = !found.loading && found.data?.profileByIdentifier === null;
  const id = params.get('id');

  const search = async (e: FormEvent) => {
    e.preventDefault();
    if (!value.trim()) return;
    const res = await find({ variables: { kind, value } }).catch(() => null);
    const profile = res?.data?.profileByIdentifier;
    if (profile) navigate('profiles', { id: profile.id });
  };

  return (
    <div className="profiles">
      <form className="search" role="search" onSubmit={(e) => void search(e)}>
        <label htmlFor="id-kind">Identifier kind</label>
        <select
          id="id-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as IdentifierKind)}
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
        <label htmlFor="id-value">Identifier</label>
        <input
          id="id-value"
          type="search"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoComplete="off"
        />
        <button type="submit" disabled={found.loading}>
          {found.loading ? 'Searching…' : 'Find profile'}
        </button>
      </form>
      {found.error && (
        <p className="state error" role="alert">
          {describeError(found.error)}
        </p>
      )}
      {notFound && (
        <p className="state empty" role="status">
          No profile has that identifier.
        </p>
      )}
      {id ? (
        <ProfileDetails key={id} id={id} session={session} />
      ) : (
        <Empty>Search for a person by email, phone or any id.</Empty>
      )}
    </div>
  );
}
