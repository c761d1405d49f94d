// The signed-in key lives in session storage: it survives a reload but not the tab, and it
// is never written to local storage or a cookie (a shared machine keeps nothing).
const KEY = 'mosaic.dashboard.apiKey';

export type Role = 'READER' | 'WRITER' | 'DASHBOARD' | 'ADMIN';

export interface Session {
  apiKey: string;
  role: Role;
  subject: string;
}

export function savedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveKey(apiKey: string): void {
  sessionStorage.setItem(KEY, apiKey);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

/** Roles that may read what the dashboard shows; a writer's key only sends data. */
export const DASHBOARD_ROLES: readonly Role[] = ['READER', 'DASHBOARD', 'ADMIN'];

export const canEditSegments = (s: Session): boolean =>
  s.role === 'DASHBOARD' || s.role === 'ADMIN';
export const isAdmin = (s: Session): boolean => s.role === 'ADMIN';
