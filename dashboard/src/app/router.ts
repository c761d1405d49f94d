import { useSyncExternalStore } from 'react';

// A router of four screens needs no library: the path under /dashboard/ names the view,
// the query string its state (a segment, a searched identifier), so links and reloads work.
export const BASE = '/dashboard/';

export type View = 'segments' | 'profiles' | 'review';

export interface Place {
  view: View;
  params: URLSearchParams;
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function usePlace(): Place {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  const rest = url.pathname.startsWith(BASE) ? url.pathname.slice(BASE.length) : '';
  const view: View = rest.startsWith('profiles')
    ? 'profiles'
    : rest.startsWith('review')
      ? 'review'
      : 'segments';
  return { view, params: url.searchParams };
}

export function hrefFor(view: View, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `${BASE}${view}${query ? `?${query}` : ''}`;
}

export function navigate(view: View, params: Record<string, string> = {}): void {
  window.history.pushState(null, '', hrefFor(view, params));
  for (const l of listeners) l();
}
