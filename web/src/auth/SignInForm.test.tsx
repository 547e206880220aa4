// @vitest-environment happy-dom
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../api/query-keys';
import type { Session } from '../api/types';
import { fakeFetch, renderWithApp } from '../test/render';
import { SignInForm } from './SignInForm';

afterEach(cleanup);

async function signInWith(answer: { status: number; body?: unknown }, mode: Session['signIn'] = 'jellyfin') {
  const { fetch, calls } = fakeFetch({ 'POST /api/auth/login': answer });
  const onSignedIn = vi.fn();
  const view = renderWithApp(<SignInForm mode={mode} onSignedIn={onSignedIn} />, { fetch, csrfToken: null });
  await userEvent.type(screen.getByLabelText('Username'), 'alice');
  await userEvent.type(screen.getByLabelText('Password'), 'secret');
  await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
  return { calls, onSignedIn, ...view };
}

describe('SignInForm', () => {
  it('says which account to use', () => {
    const { fetch } = fakeFetch({});
    renderWithApp(<SignInForm mode="jellyfin" onSignedIn={() => {}} />, { fetch });
    expect(screen.getByText('Sign in with your Jellyfin account.')).toBeTruthy();
    cleanup();
    renderWithApp(<SignInForm mode="local" onSignedIn={() => {}} />, { fetch });
    expect(screen.getByText(/^Admin password/)).toBeTruthy();
  });

  it('signs in, keeps the CSRF token in the session and reports the user', async () => {
    const user = { name: 'alice', isAdmin: false, via: 'jellyfin' as const };
    const { calls, onSignedIn, queryClient } = await signInWith({
      status: 200,
      body: { user, csrfToken: 'c1' },
    });
    expect(calls[0]?.body).toEqual({ username: 'alice', password: 'secret' });
    expect(onSignedIn).toHaveBeenCalledWith(user);
    expect(queryClient.getQueryData<Session>(queryKeys.session)).toMatchObject({ user, csrfToken: 'c1' });
  });

  it('says the credentials are wrong, and clears the password', async () => {
    const { onSignedIn } = await signInWith({
      status: 401,
      body: { error: 'nope', code: 'invalid_credentials' },
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^Wrong user name or password\. Check them/,
    );
    expect((screen.getByLabelText('Password') as HTMLInputElement).value).toBe('');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('says wrong username or password for the local admin', async () => {
    await signInWith({ status: 401, body: { error: 'nope', code: 'invalid_credentials' } }, 'local');
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /^Wrong user name or password\. Check them/,
    );
  });

  it('says to wait after too many attempts', async () => {
    await signInWith({ status: 429, body: { error: 'slow down', code: 'rate_limited' } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Too many attempts/);
  });

  it('says when Jellyfin cannot be reached', async () => {
    await signInWith({ status: 502, body: { error: 'ECONNREFUSED', code: 'jellyfin_unreachable' } });
    expect((await screen.findByRole('alert')).textContent).toMatch(/Jellyfin cannot be reached/);
  });
});
