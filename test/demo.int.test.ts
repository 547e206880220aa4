/**
 * `npm run demo` end to end, ten times faster than people watch it: the simulated stack drives the
 * real tracker over HTTP until the four paths are available, and the download that stalls at 37 %
 * shows the `stalled` problem.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { playScenarios, roundTitles, type ScenarioPlayer } from '../scripts/demo/scenarios.js';
import { type DemoStack, startDemoStack, waitForRequests } from '../scripts/demo/stack.js';
import type { RequestSummary } from '../src/tracker/request-views.js';

let stack: DemoStack;
let player: ScenarioPlayer;

beforeAll(async () => {
  stack = await startDemoStack({ speed: 10, port: 0, logLevel: 'silent' });
  player = playScenarios(stack, { rounds: 1 });
  // A story that throws fails the test at once instead of timing out.
  player.done.catch(() => undefined);
});
afterAll(async () => {
  await player?.stop();
  await stack?.close();
});

const find = (items: RequestSummary[], title: string) => items.find((r) => r.title === title);

it('plays the four paths to available and shows the stalled download’s problem', async () => {
  const round = roundTitles(0);
  const paths = [round.movie, round.tv, round.animeMovie, round.animeTv].map((t) => t.title);
  const failure = player.done.then(
    () => new Promise<never>(() => undefined),
    (error: unknown) => Promise.reject(error),
  );

  const stalled = await Promise.race([
    waitForRequests(stack, (items) => find(items, round.stalled.title)?.problem?.code === 'stalled', {
      timeoutMs: 20_000,
    }),
    failure,
  ]);
  expect(find(stalled, round.stalled.title)).toMatchObject({
    state: 'downloading',
    progress: expect.closeTo(0.37, 2),
    problem: { message: expect.stringMatching(/stalled/) },
  });

  const board = await Promise.race([
    waitForRequests(stack, (items) => paths.every((title) => find(items, title)?.state === 'available'), {
      timeoutMs: 20_000,
    }),
    failure,
  ]);
  expect(paths.map((title) => find(board, title)?.isAnime)).toEqual([false, false, true, true]);
  // The history played at the start.
  expect(board.filter((r) => r.state === 'available').length).toBeGreaterThanOrEqual(7);
  // Jellyseerr's webhook gave every request its requester and poster.
  for (const title of paths) {
    expect(find(board, title)).toMatchObject({
      requestedBy: expect.any(String),
      posterUrl: expect.stringMatching(/^https:\/\/image\.tmdb\.org\//),
    });
  }
}, 45_000);
