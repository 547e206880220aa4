/**
 * The README's pictures, taken by this run from the real UI: the demo stack (`npm run demo`, faster)
 * plays its stories until the board has a TV season on its way, a stalled download and a history;
 * then each page is photographed at desktop and phone width into docs/screenshots/.
 */
import { mkdirSync, statSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { playScenarios, roundTitles, type ScenarioPlayer } from '../../scripts/demo/scenarios.js';
import { type DemoStack, startDemoStack, waitForRequests } from '../../scripts/demo/stack.js';
import type { RequestSummary } from '../../src/tracker/request-views.js';
import { describeInBrowser, launchBrowser, type RunningBrowser } from './support/browser.js';
import { drawPosters } from './support/posters.js';
import { signInAsAdmin } from './support/session.js';

const OUT = new URL('../../docs/screenshots/', import.meta.url);

describeInBrowser('screenshots for the README', () => {
  let browser: RunningBrowser;
  let stack: DemoStack;
  let player: ScenarioPlayer;

  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await launchBrowser();
    stack = await startDemoStack({ speed: 4, port: 0, logLevel: 'silent' });
    player = playScenarios(stack, { rounds: 1, seed: 7 });
    player.done.catch(() => undefined);
  });
  afterAll(async () => {
    await player?.stop();
    await stack?.close();
    await browser?.close();
  });

  it('photographs the board, a TV request, history, problems and settings on desktop and phone', {
    timeout: 150_000,
  }, async () => {
    const round = roundTitles(0);
    const find = (items: RequestSummary[], title: string) => items.find((r) => r.title === title);
    // A moment with something of everything: downloads on their way, a stalled one, a history.
    const items = await waitForRequests(
      stack,
      (list) =>
        find(list, round.stalled.title)?.problem?.code === 'stalled' &&
        list.some((r) => r.state === 'downloading' && r.problem === null) &&
        list.filter((r) => r.state === 'available').length >= 3,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const tv = find(items, round.tv.title)!;
    // Hold the world still while the pictures are taken.
    await player.stop();

    const pages = [
      { name: 'board', path: '/', heading: 'On their way' },
      { name: 'tv-detail', path: `/requests/${tv.id}`, heading: round.tv.title },
      { name: 'history', path: '/history', heading: 'History' },
      { name: 'problems', path: '/problems', heading: 'Problems' },
      { name: 'settings', path: '/settings', heading: 'Settings' },
    ];
    for (const phone of [false, true]) {
      const context = await browser.context({ phone, baseURL: stack.url });
      await drawPosters(context);
      const page = await context.newPage();
      await signInAsAdmin(page, stack.adminPassword);
      for (const shot of pages) {
        await page.goto(shot.path);
        await page.getByRole('heading', { level: 1, name: shot.heading }).waitFor();
        // Not 'networkidle': the live event stream keeps a connection open. Posters are what loads late.
        await page.waitForFunction('[...document.images].every((image) => image.complete)');
        const file = new URL(`${shot.name}-${phone ? 'phone' : 'desktop'}.png`, OUT);
        await page.screenshot({ path: file.pathname });
        expect(statSync(file).size, file.pathname).toBeGreaterThan(10_000);
      }
      await context.close();
    }
  });
});
