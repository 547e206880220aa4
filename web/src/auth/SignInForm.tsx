import { useId, useRef, useState } from 'react';
import { useSignIn } from '../api/session.queries';
import type { Session, User } from '../api/types';
import { describeSignInError } from './sign-in-errors';

/** Username and password, for a Jellyfin account or the local admin (the server says which). */
export function SignInForm({
  mode,
  onSignedIn,
}: {
  mode: Session['signIn'];
  onSignedIn: (user: User) => void;
}) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const passwordRef = useRef<HTMLInputElement>(null);
  const signIn = useSignIn();
  const error = signIn.isError ? describeSignInError(signIn.error) : null;

  return (
    <form
      className="sign-in-form"
      aria-labelledby={`${id}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        signIn.mutate(
          { username: username.trim(), password },
          {
            onSuccess: ({ user }) => onSignedIn(user),
            onError: () => {
              setPassword('');
              passwordRef.current?.focus();
            },
          },
        );
      }}
    >
      <h1 id={`${id}-title`}>Sign in</h1>
      <p className="muted">
        {mode === 'jellyfin'
          ? 'Sign in with your Jellyfin account.'
          : 'Admin password: sign in as the admin of this tracker.'}
      </p>
      <div className="field">
        <label htmlFor={`${id}-username`}>Username</label>
        <input
          id={`${id}-username`}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          ref={passwordRef}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      {error ? (
        <p className="notice notice-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button button-primary button-wide" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
