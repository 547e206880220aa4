import { Navigate, useLocation, useNavigate } from 'react-router';
import { useSession } from '../api/session.queries';
import { ErrorNotice, Loading } from '../ui/QueryState';
import { usePageTitle } from '../ui/usePageTitle';
import { SignInForm } from './SignInForm';

/** Where the viewer came from before being sent to sign in; only a path of this app. */
function returnPath(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//') && from !== '/login'
    ? from
    : '/';
}

/** `/login`: asks the session which sign-in this tracker uses, then shows that form. */
export function LoginPage() {
  usePageTitle('Sign in');
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const next = returnPath(location.state);
  let content: React.ReactNode;
  if (session.isPending) content = <Loading />;
  else if (session.isError)
    content = <ErrorNotice error={session.error} onRetry={() => void session.refetch()} />;
  else if (session.data.user) return <Navigate to={next} replace />;
  else {
    content = (
      <div className="card login-card">
        <SignInForm mode={session.data.signIn} onSignedIn={() => navigate(next, { replace: true })} />
      </div>
    );
  }
  return (
    <main id="main" className="login" tabIndex={-1}>
      <div className="login-brand" aria-hidden="true">
        <span className="brand-mark" />
        Status Tracker
      </div>
      {content}
    </main>
  );
}
