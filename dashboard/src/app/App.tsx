import { ApolloProvider } from '@apollo/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { createApiClient, type ApiClient } from '../api/client';
import { describeError, isAuthFailure } from '../api/errors';
import { DASHBOARD_ROLES, forgetKey, savedKey, saveKey, type Session } from '../api/session';
import { graphql } from '../gql';
import { Shell } from './Shell';
import { SignIn } from './SignIn';

const WhoAmI = graphql(`
  query WhoAmI {
    whoami {
      role
      subject
    }
  }
`);

interface SignedIn {
  session: Session;
  client: ApiClient;
}

/**
 * Signs in with an API key (checked with `whoami` before anything is shown) and signs out
 * on the first refusal from the gateway, with the reason on the sign-in screen.
 */
export function App() {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const current = useRef<ApiClient | null>(null);

  const signOut = useCallback((message: string | null) => {
    current.current?.close();
    current.current = null;
    forgetKey();
    setSignedIn(null);
    setNotice(message);
  }, []);

  const signIn = useCallback(
    async (apiKey: string) => {
      setBusy(true);
      current.current?.close();
      let refused: string | null = null;
      const client = createApiClient(apiKey, (message) => {
        refused = message;
        if (current.current === client) signOut(message);
      });
      try {
        const { data } = await client.apollo.query({ query: WhoAmI, fetchPolicy: 'network-only' });
        const who = data?.whoami;
        if (!who) throw new Error('The gateway did not say who this key is.');
        if (!DASHBOARD_ROLES.includes(who.role)) {
          client.close();
          forgetKey();
          setNotice(
            `This key has role ${who.role}, which cannot read profiles or segments. Use a dashboard or admin key.`,
          );
          return;
        }
        saveKey(apiKey);
        current.current = client;
        setSignedIn({ session: { apiKey, role: who.role, subject: who.subject }, client });
        setNotice(null);
      } catch (err) {
        client.close();
        // A refused key is forgotten; an unreachable or draining gateway keeps it for a retry.
        if (refused !== null || isAuthFailure(err)) {
          forgetKey();
          setNotice(refused ?? 'The gateway refused this key: it is wrong, expired or revoked.');
        } else setNotice(`Could not reach the gateway to check the key: ${describeError(err)}`);
      } finally {
        setBusy(false);
      }
    },
    [signOut],
  );

  useEffect(() => {
    const key = savedKey();
    if (key) void signIn(key);
    return () => current.current?.close();
  }, [signIn]);

  if (!signedIn) return <SignIn notice={notice} busy={busy} onSubmit={(k) => void signIn(k)} />;
  return (
    <ApolloProvider client={signedIn.client.apollo}>
      <Shell
        session={signedIn.session}
        client={signedIn.client}
        onSignOut={() => signOut('Signed out.')}
      />
    </ApolloProvider>
  );
}
