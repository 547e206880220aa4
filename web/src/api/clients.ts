import { QueryClient } from '@tanstack/react-query';
import { createApiClient, isApiError } from './api';
import { queryKeys } from './query-keys';
import { markSignedOut } from './session.queries';
import type { Session } from './types';

/** Client errors (401, 403, 404, 409) will not change on a retry; network and 5xx might. */
function shouldRetry(failures: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

/** The app's query cache and the API client over it: writes carry the session's CSRF token, a 401 signs out. */
export function createClients() {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
  const api = createApiClient({
    csrfToken: () => queryClient.getQueryData<Session>(queryKeys.session)?.csrfToken ?? null,
    onUnauthorized: () => markSignedOut(queryClient),
  });
  return { queryClient, api };
}
