/**
 * The settings page in a real browser against the real server: a saved service's connection test, a
 * new Radarr's test saying each failure kind in its own words before it succeeds and is saved, and a
 * webhook URL copied to the clipboard.
 */
import { createServer, type RequestListener } from 'node:http';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { freePort } from '../support/daemons/daemon-process.js';
import { describeInBrowser } from './support/browser.js';
import type { E2eStack } from './support/e2e-stack.js';
import { browserPerFile, signInAsAdmin } from './support/session.js';

/** The Radarr fake's default version, which its system/status reports. */
const RADARR_VERSION = '5.28.0.10274';
/** Not the stack's own address, so the webhook URL is seen to come from BASE_URL. */
const BASE_URL = 'http://tracker.lan:8787';

/** A distinctive part of each sentence connection-words.ts shows for a failure kind. */
const FAILURE_WORDS = {
  unreachable: /Could not reach it/,
  unauthorized: /refused the credentials/,
  bad_response: /answered with something unexpected/,
  timeout: /did not answer in time/,
} as const;
type FailureKind = keyof typeof FAILURE_WORDS;

interface TinyServer {
  url: string;
  close(): Promise<void>;
}

/** A local HTTP server for the failures no fake plays: HTML where JSON belongs, or no answer at all. */
async function startTinyServer(handler: RequestListener): Promise<TinyServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        // The silent server's requests stay open until cut.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describeInBrowser('the settings page in a browser', () => {
  const e2e = browserPerFile();
  let stack: E2eStack;
  let context: BrowserContext;
  let page: Page;
  const tinyServers: TinyServer[] = [];

  beforeEach(async () => {
    stack = await e2e.startStack({ BASE_URL });
    ({ context, page } = await e2e.openPage());
    await signInAsAdmin(page);
    await page.goto('/settings');
  });
  afterEach(async () => {
    await Promise.all(tinyServers.splice(0).map((s) => s.close()));
  });

  // The webhook cards are articles named after their apps too: each section is looked up by its heading.
  const services = () => page.getByRole('region', { name: 'Services' });
  const webhooks = () => page.getByRole('region', { name: 'Webhooks' });
  const resultIn = (scope: Locator) => scope.getByRole('status');

  it('tests the connection of the Radarr from the environment and shows its version', async () => {
    const radarr = services().getByRole('article', { name: 'Radarr', exact: true });
    stack.radarr.clearCalls();
    await radarr.getByRole('button', { name: 'Test connection' }).click();

    await expect
      .poll(() => resultIn(radarr).textContent(), { timeout: 10_000 })
      .toContain(`Connected: version ${RADARR_VERSION}.`);
    expect(stack.radarr.calls).toContain('GET /api/v3/system/status');
  });

  it('adds a Radarr: the unsaved test says each failure in its own words, then succeeds and it is saved', async () => {
    const html = await startTinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Router</title>');
    });
    // Accepts and never answers: the unsaved test runs with the stack's resilience (2 s timeout).
    const silent = await startTinyServer(() => {});
    tinyServers.push(html, silent);
    const closedPort = `http://127.0.0.1:${await freePort()}`;

    await services().getByRole('button', { name: 'Add a service' }).click();
    const form = page.getByRole('form', { name: 'Add a service' });
    await form.getByLabel('Kind').selectOption('radarr');
    await form.getByLabel('Name').fill('Radarr 4K');
    const url = form.getByLabel('URL');
    const apiKey = form.getByLabel('API key');
    const result = resultIn(form);

    // Each test below ends differently from the one before, so a stale result cannot pass the poll.
    async function testShows(kind: FailureKind) {
      await form.getByRole('button', { name: 'Test connection' }).click();
      await expect.poll(() => result.textContent(), { timeout: 10_000 }).toMatch(FAILURE_WORDS[kind]);
      const text = (await result.textContent()) ?? '';
      for (const [other, words] of Object.entries(FAILURE_WORDS)) {
        if (other !== kind) expect(text, `${kind} shown as ${other}`).not.toMatch(words);
      }
    }

    await url.fill(closedPort);
    await apiKey.fill('radarr-key');
    await testShows('unreachable');

    await url.fill(stack.radarr.url);
    await apiKey.fill('wrong-key');
    await testShows('unauthorized');

    await url.fill(html.url);
    await apiKey.fill('radarr-key');
    await testShows('bad_response');

    await url.fill(silent.url);
    await testShows('timeout');

    await url.fill(stack.radarr.url);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => result.textContent(), { timeout: 10_000 })
      .toContain(`Connected: version ${RADARR_VERSION}.`);

    await form.getByRole('button', { name: 'Add service' }).click();
    const added = services().getByRole('article', { name: 'Radarr 4K' });
    await added.waitFor();
    await expect.poll(() => form.count()).toBe(0);
    expect(await added.textContent()).toMatch(/added here/);
    expect(await added.textContent()).toContain(stack.radarr.url);
    const listed = await stack.api('GET', '/api/services');
    expect(listed.body.items.map((s: { name: string }) => s.name)).toContain('Radarr 4K');
  });

  it('shows the Radarr webhook URL built from BASE_URL and copies it to the clipboard', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.url });
    const radarrUrl = `${BASE_URL}/hooks/radarr`;
    const card = webhooks().getByRole('article', { name: 'Radarr' });
    await card.waitFor();
    expect(await card.locator('code').allTextContents()).toContain(radarrUrl);

    // Something else on the clipboard first, so only the button can put the URL there.
    // Strings, not functions: the server's TypeScript has no DOM types (as in board.e2e.test.ts).
    await page.evaluate("navigator.clipboard.writeText('before')");
    const copy = card.getByRole('button', { name: 'Copy URL for Radarr' });
    await copy.click();

    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(radarrUrl);
    expect(await card.getByRole('button', { name: 'Copied URL for Radarr' }).count()).toBe(1);
  });
});
