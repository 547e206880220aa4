import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { useIsAdmin, useSession } from '../api/session.queries';
import { ErrorNotice, Loading } from '../ui/QueryState';

/** Signed-in pages: anyone else goes to /login and comes back afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) {
    return (
      <main id="main" className="centered">
        <Loading />
      </main>
    );
  }
  if (session.isError) {
    return (
      <main id="main" className="centered">
        <ErrorNotice error={session.error} onRetry={() => void session.refetch()} />
      </main>
    );
  }
  if (!session.data.user) {
    return (
      <Navigate to="/login" replace state={{ from: location.pathname + location.search + location.hash }} />
    );
  }
  return children;
}

/** Admin-only pages (services, webhooks): others get 403 from the API, so they get words here. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  if (!useIsAdmin()) {
    return (
      <div className="empty">
        <h1>Admins only</h1>
        <p>
          Only the admin can change the tracker’s settings. <Link to="/">Back to the board</Link>
        </p>
      </div>
    );
  }
  return children;
}
