/**
 * Who is asking, decided once per request (src/http/access.ts): a script with the API key, a person
 * signed in to the UI, or nobody. What each may see is decided here.
 */
export type Viewer =
  | { kind: 'api_key'; isAdmin: true }
  | {
      kind: 'session';
      name: string;
      isAdmin: boolean;
      via: 'jellyfin' | 'local';
      sessionId: string;
      csrfToken: string;
    };

export const API_KEY_VIEWER: Viewer = { kind: 'api_key', isAdmin: true };

/**
 * The person whose requests are the only ones this viewer sees, or null when it sees every request
 * (API key, local admin, Jellyfin administrators).
 */
export function onlyRequestsOf(viewer: Viewer | null): string | null {
  return viewer?.kind === 'session' && !viewer.isAdmin ? viewer.name : null;
}

/**
 * Names compared as Jellyfin compares them (case-insensitively). `toLowerCase` rather than SQLite's
 * ASCII-only `lower()`: request-queries registers the same fold for the list query.
 */
export function foldName(name: string): string {
  return name.toLowerCase();
}

/** Whether the viewer may see a request asked for by `requestedBy`. */
export function maySeeRequest(viewer: Viewer | null, requestedBy: string | null): boolean {
  if (viewer === null) return false;
  const only = onlyRequestsOf(viewer);
  return only === null || (requestedBy !== null && foldName(requestedBy) === foldName(only));
}
