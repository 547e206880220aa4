/**
 * The board in a real browser (Debian's Chromium) against the real server: requests appear and move
 * as webhooks and download-client polls arrive, without a reload; a problem's button sends its command.
 */
import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { jellyseerrNotification } from '../../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrGrab, radarrManualInteractionRequired } from '../../src/integrations/radarr/radarr.fake.js';
import { describeInBrowser } from './support/browser.js';
import type { E2eStack } from './support/e2e-stack.js';
import { browserPerFile, signInAsAdmin } from './support/session.js';

const matrix = { movieId: 1, tmdbId: 603, title: 'The Matrix', year: 1999 };
const HASH = 'AB'.repeat(20);

describeInBrowser('the board in a browser', () => {
  const e2e = browserPerFile();
  let stack: E2eStack;
  let page: Page;

  beforeEach(async () => {
    stack = await e2e.startStack();
    stack.radarr.addMovie({ id: 1, tmdbId: 603, title: 'The Matrix', year: 1999 });
    ({ page } = await e2e.openPage({ posters: true }));
    await signInAsAdmin(page);
  });

  const approveMatrix = () =>
    stack.hook(
      'jellyseerr',
      jellyseerrNotification({
        type: 'MEDIA_AUTO_APPROVED',
        mediaType: 'movie',
        tmdbId: 603,
        requestId: 1,
        title: 'The Matrix',
        year: 1999,
        requestedBy: 'alice',
      }),
    );

  it('shows a new request and moves its progress bar as the download advances, without a reload', async () => {
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/live/i);
    // A mark on the page's global object: a reload would wipe it.
    await page.evaluate('globalThis.notReloaded = true');

    await approveMatrix();
    const card = page.getByRole('article', { name: /The Matrix/ });
    await card.waitFor();
    expect(await card.textContent()).toMatch(/approved/i);

    stack.radarr.grab({ movieId: 1, downloadId: HASH });
    stack.qb.addTorrent({
      hash: HASH.toLowerCase(),
      name: 'The.Matrix.1999.1080p',
      category: 'radarr',
      progress: 0.2,
    });
    await stack.hook('radarr', radarrGrab({ ...matrix, downloadId: HASH }));
    const bar = card.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('20');

    stack.qb.updateTorrent(HASH.toLowerCase(), { progress: 0.65, dlspeed: 5_000_000 });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('65');
    expect(await card.textContent()).toMatch(/MB\/s/);
    expect(await page.evaluate('globalThis.notReloaded')).toBe(true);
  });

  it('sends the command when a problem’s action button is pressed', async () => {
    await approveMatrix();
    await stack.hook('radarr', radarrGrab({ ...matrix, downloadId: HASH }));
    await stack.hook('radarr', radarrManualInteractionRequired({ ...matrix, downloadId: HASH }));
    const card = page.getByRole('article', { name: /The Matrix/ });
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toMatch(/Unable to parse file/);

    await card.getByRole('button', { name: 'Refresh monitored downloads' }).click();
    await expect.poll(() => card.textContent()).toMatch(/queued|sent|asked/i);
    await stack.app.runOutbox.runOnce();
    expect(stack.radarr.sentCommands('RefreshMonitoredDownloads')).toHaveLength(1);
  });
});
