/**
 * Signing in and out in a real browser: a Jellyfin administrator sees every request, another Jellyfin
 * user only their own; a wrong password is said in words; signing out ends the session.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { jellyseerrNotification } from '../../src/integrations/jellyseerr/jellyseerr.fake.js';
import { describeInBrowser } from './support/browser.js';
import { browserPerFile, submitSignIn } from './support/session.js';

describeInBrowser('signing in and out', () => {
  const e2e = browserPerFile();
  let page: Page;

  beforeEach(async () => {
    const stack = await e2e.startStack();
    stack.jellyfin.addUser({ name: 'Morgan', password: 'morgan-pass', isAdmin: true });
    stack.jellyfin.addUser({ name: 'alice', password: 'alice-pass' });
    for (const [requestId, title, requestedBy] of [
      [1, 'The Matrix', 'alice'],
      [2, 'Heat', 'bob'],
    ] as const) {
      await stack.hook(
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'movie',
          tmdbId: 600 + requestId,
          requestId,
          title,
          year: 1999,
          requestedBy,
        }),
      );
    }
    ({ page } = await e2e.openPage());
  });

  const signIn = (username: string, password: string) => submitSignIn(page, username, password);
  const titles = () =>
    page
      .getByRole('article')
      .evaluateAll((cards) => cards.map((c) => c.getAttribute('aria-label') ?? c.textContent));

  it('sends a visitor to sign in, says a wrong password in words, and lets a Jellyfin admin see everything', async () => {
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/login');
    expect(await page.textContent('body')).toMatch(/Jellyfin/);

    await signIn('Morgan', 'wrong');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/user name or password/i);

    await signIn('Morgan', 'morgan-pass');
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('article', { name: /Heat/ }).waitFor();
    expect((await titles()).join(' ')).toMatch(/The Matrix/);
  });

  it('shows another user only their own requests, and signing out ends the session', async () => {
    await page.goto('/login');
    await signIn('alice', 'alice-pass');
    await page.getByRole('article', { name: /The Matrix/ }).waitFor();
    expect((await titles()).join(' ')).not.toMatch(/Heat/);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    // The cookie no longer opens the API.
    const status = await page.evaluate(async () => (await fetch('/api/requests')).status);
    expect(status).toBe(401);
  });
});
