import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from './ApiProvider';
import { queryKeys } from './query-keys';
import type { Session, User } from './types';

export function useSession() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: ({ signal }) => api.get<Session>('/api/auth/session', signal),
    staleTime: 5 * 60_000,
  });
}

/** The signed-in user, or null (also while the session is loading). */
export function useUser(): User | null {
  return useSession().data?.user ?? null;
}

export function useIsAdmin(): boolean {
  return useUser()?.isAdmin === true;
}

export function useSignIn() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: { username: string; password: string }) =>
      api.post<{ user: User; csrfToken: string }>('/api/auth/login', credentials),
    onSuccess: ({ user, csrfToken }) => {
      // Whatever an earlier user could see is not this user's to see.
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
      queryClient.setQueryData<Session>(queryKeys.session, (session) => ({
        signIn: session?.signIn ?? user.via,
        user,
        csrfToken,
      }));
    },
  });
}

export function useSignOut() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/auth/logout'),
    // Signed out either way: a failed logout call must not leave the viewer looking signed in.
    onSettled: () => {
      markSignedOut(queryClient);
    },
  });
}

/**
 * Forget the user; the router then shows the sign-in page. The cached data goes at the next sign-in
 * (removing it now would make the pages still on screen fetch it again).
 */
export function markSignedOut(queryClient: QueryClient): void {
  queryClient.setQueryData<Session>(queryKeys.session, (session) =>
    session ? { ...session, user: null, csrfToken: null } : session,
  );
}
