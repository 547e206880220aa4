// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeFetch } from '../test/render';
import { App } from './App';

/** The stream stays "connecting": these tests are about routing, not live updates. */
class SilentEventSource {
  readyState = 0;
  onopen = null;
  onerror = null;
  addEventListener() {}
  close() {}
}

const admin = { name: 'admin', isAdmin: true, via: 'local' };

describe('the app shell', () => {
  beforeEach(() => {
    vi.stubGlobal('EventSource', SilentEventSource);
    window.history.replaceState(null, '', '/');
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('sends a visitor without a session to sign in, in the mode the server names', async () => {
    const { fetch } = fakeFetch({
      'GET /api/auth/session': { status: 200, body: { user: null, csrfToken: null, signIn: 'jellyfin' } },
    });
    vi.stubGlobal('fetch', fetch);
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(screen.getByText('Sign in with your Jellyfin account.')).toBeTruthy();
    expect(window.location.pathname).toBe('/login');
  });

  it('goes to the sign-in page when the API answers 401 (the session ended)', async () => {
    const { fetch } = fakeFetch({
      'GET /api/auth/session': { status: 200, body: { user: admin, csrfToken: 'c', signIn: 'local' } },
      'GET /api/requests?active=true&limit=500&offset=0': {
        status: 401,
        body: { error: 'missing or wrong API key', code: 'unauthorized' },
      },
    });
    vi.stubGlobal('fetch', fetch);
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    expect(window.location.pathname).toBe('/login');
  });

  it('shows the signed-in shell with the connection status first and a sign-out button', async () => {
    const { fetch } = fakeFetch({
      'GET /api/auth/session': { status: 200, body: { user: admin, csrfToken: 'c', signIn: 'local' } },
      'GET /api/requests?active=true&limit=500&offset=0': { status: 200, body: { items: [], total: 0 } },
    });
    vi.stubGlobal('fetch', fetch);
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Nothing on its way' })).toBeTruthy();
    expect(screen.getAllByRole('status')[0]?.textContent).toBe('Connecting…');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Settings → Webhooks' }).getAttribute('href')).toBe(
      '/settings#webhooks',
    );
  });
});
