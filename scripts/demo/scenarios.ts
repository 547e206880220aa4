/**
 * The scenario player: requests played through the simulated stack the way real ones go, staggered
 * so the board always has something moving. A round plays the four paths (a movie, a TV season
 * downloading episode by episode, an anime movie, an anime season pack) and three kinds of trouble
 * (a download that stalls at 37 %, one that fails and is replaced by a new grab, a request waiting for
 * approval); a few requests go through quickly first so the board has a history. Rounds repeat with
 * the next titles of the catalog until stopped.
 *
 * ```ts
 * const stack = await startDemoStack({ speed: 10, port: 0 });
 * const player = playScenarios(stack, { rounds: 1 });
 * await waitForRequests(stack, (items) => items.some((r) => r.title === 'The Matrix' && r.state === 'available'));
 * await player.stop();
 * await stack.close();
 * ```
 */
import { setMaxListeners } from 'node:events';
import type { ArrFakeEpisode } from '../../src/integrations/shared/arr-api.fake.js';
import { CATALOG, type DemoMovie, type DemoSeries, type DemoTitle, type Requester } from './catalog.js';
import { createPacer, isStopped, type Pacer } from './pacer.js';
import {
  createServices,
  type Download,
  type GrabPlan,
  type JellyseerrRequest,
  type Services,
} from './services.js';
import type { DemoStack } from './stack.js';
import { createTransfers, RemovedByArr } from './transfers.js';

const MB = 1_000_000;
const GB = 1_000_000_000;

export interface PlayOptions {
  /** Rounds to play; default: until stopped. */
  rounds?: number;
  /** Play a few requests through quickly first, so the board has a history (default true). */
  history?: boolean;
  /** Pause between rounds, in demo seconds (default 10). */
  pauseSeconds?: number;
  /** Seeds sizes, speeds and indexers; the same seed plays the same demo. */
  seed?: number;
}

export interface ScenarioPlayer {
  /** Resolves when the rounds are played or the player is stopped; rejects when a story fails. */
  done: Promise<void>;
  /** Stops every story and waits until they have let go of the services. */
  stop(): Promise<void>;
}

/** The titles round `n` (0-based) plays, by role. */
export function roundTitles(round: number) {
  const nth = <T>(list: readonly T[]): T => list[round % list.length] as T;
  return {
    movie: nth(CATALOG.movie),
    tv: nth(CATALOG.tv),
    animeMovie: nth(CATALOG.animeMovie),
    animeTv: nth(CATALOG.animeTv),
    stalled: nth(CATALOG.stalled),
    failing: nth(CATALOG.failing),
    pending: nth(CATALOG.pending),
  };
}

interface Story {
  services: Services;
  pacer: Pacer;
  /** Multiplies the story's pauses: 1 live, small for the history played at the start. */
  pace: number;
  /** Downloads complete the moment they are grabbed (history). */
  instant: boolean;
}

type Trouble = 'stall' | 'fail' | undefined;

/**
 * Grabs and downloads until a download completes. `stall`: the first download stops at 37 % for a
 * while (no seeds), then the seeds come back. `fail`: the client reports an error, the *arr gives up
 * on it and grabs another release. Someone pressing "Remove, blocklist and search again" on the
 * board removes the download through the *arr's API: the *arr's search then finds another release.
 */
async function downloadUntilComplete(
  story: Story,
  grab: () => Promise<Download>,
  onFailed: (download: Download) => void,
  trouble: Trouble,
): Promise<Download> {
  const { pacer } = story;
  let download = await grab();
  for (;;) {
    try {
      if (trouble === 'fail') {
        trouble = undefined;
        await download.transfer.run(pacer.between(0.45, 0.7));
        download.transfer.fail();
        await pacer.wait(8); // the *arr's failed-download handling
        onFailed(download);
        await pacer.wait(4); // its automatic search for another release
        download = await grab();
        continue;
      }
      if (trouble === 'stall') {
        trouble = undefined;
        await download.transfer.run(0.37);
        download.transfer.stall();
        await download.transfer.during(pacer.wait(75));
      }
      await download.transfer.run();
      return download;
    } catch (error) {
      if (!(error instanceof RemovedByArr)) throw error;
      trouble = undefined;
      await pacer.wait(5);
      download = await grab();
    }
  }
}

function plan(story: Story, sizeBytes: number, bytesPerSecond: number): GrabPlan {
  return {
    sizeBytes: Math.round(sizeBytes),
    bytesPerSecond: Math.round(bytesPerSecond),
    complete: story.instant,
  };
}

/** Someone asks in Jellyseerr; with `pendingFor`, an admin approves that many demo seconds later. */
async function requestAndApprove(
  { services, pacer }: Story,
  title: DemoTitle,
  { by, pendingFor }: { by: Requester; pendingFor?: number },
): Promise<JellyseerrRequest> {
  const request = await services.request(title, { by, pending: pendingFor !== undefined });
  if (pendingFor !== undefined) {
    await pacer.wait(pendingFor);
    await services.approve(request);
  }
  return request;
}

async function movieStory(
  story: Story,
  title: DemoMovie,
  options: { by: Requester; pendingFor?: number; trouble?: Trouble },
): Promise<void> {
  const { services, pacer, pace } = story;
  const request = await requestAndApprove(story, title, options);
  const movie = services.addMovie(title);
  await pacer.wait(2 * pace); // Radarr searches its indexers
  const size = title.anime ? pacer.between(3.5, 5) * GB : pacer.between(5, 8) * GB;
  const download = await downloadUntilComplete(
    story,
    () => services.grabMovie(movie, plan(story, size, pacer.between(80, 130) * MB)),
    (failed) => services.failMovie(movie, failed),
    options.trouble,
  );
  await pacer.wait(2 * pace); // Radarr's completed-download handling
  const path = await services.importMovie(movie, download);
  if (title.anime) {
    await pacer.wait(2 * pace);
    await services.match(title, [path], pace);
  }
  await pacer.wait(4 * pace); // Jellyfin's library monitor
  await services.addToLibrary(movie, path);
  await pacer.wait(3 * pace);
  await services.available(request);
}

/** A TV season whose episodes Sonarr grabs one by one, each its own torrent at its own speed. */
async function seasonStory(
  story: Story,
  title: DemoSeries,
  options: { by: Requester; pendingFor?: number },
): Promise<void> {
  const { services, pacer, pace } = story;
  const request = await requestAndApprove(story, title, options);
  const season = services.addSeries(title);
  await pacer.wait(2 * pace);
  const episodeStory = async (episode: ArrFakeEpisode, index: number) => {
    await pacer.wait(index * 1.5 * pace); // the search finds them one after the other
    const download = await downloadUntilComplete(
      story,
      () =>
        services.grabEpisodes(
          season,
          [episode],
          plan(story, pacer.between(0.8, 1.3) * GB, pacer.between(20, 45) * MB),
        ),
      () => undefined,
      undefined,
    );
    await pacer.wait(1.5 * pace);
    const paths = await services.importEpisodes(season, [episode], download);
    await pacer.wait(3 * pace);
    await services.addEpisodesToLibrary(season, [episode], paths, pace);
  };
  await Promise.all(season.episodes.map(episodeStory));
  await pacer.wait(3 * pace);
  await services.available(request);
}

/** A whole season in one release (a pack), as anime usually comes. */
async function packStory(story: Story, title: DemoSeries, options: { by: Requester }): Promise<void> {
  const { services, pacer, pace } = story;
  const request = await services.request(title, { by: options.by });
  const season = services.addSeries(title);
  await pacer.wait(2 * pace);
  const episodes = season.episodes;
  const download = await downloadUntilComplete(
    story,
    () =>
      services.grabEpisodes(
        season,
        episodes,
        plan(story, episodes.length * pacer.between(330, 400) * MB, pacer.between(130, 170) * MB),
      ),
    () => undefined,
    undefined,
  );
  await pacer.wait(2 * pace);
  const paths = await services.importEpisodes(season, episodes, download);
  if (title.anime) {
    await pacer.wait(2 * pace);
    await services.match(title, [...paths.values()], 0.15 * pace);
  }
  await pacer.wait(4 * pace);
  await services.addEpisodesToLibrary(season, episodes, paths, 0.5 * pace);
  await pacer.wait(3 * pace);
  await services.available(request);
}

/** Runs the stories side by side, each from its start (demo seconds); the first real failure is thrown. */
async function together(pacer: Pacer, stories: Array<[number, () => Promise<void>]>): Promise<void> {
  const results = await Promise.allSettled(
    stories.map(async ([start, play]) => {
      await pacer.wait(start);
      await play();
    }),
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const failure = failures.find((error) => !isStopped(error)) ?? failures[0];
  if (failure !== undefined) throw failure;
}

function storyOf(title: DemoTitle, story: Story, by: Requester): () => Promise<void> {
  return () =>
    title.mediaType === 'movie' ? movieStory(story, title, { by }) : seasonStory(story, title, { by });
}

export function playScenarios(stack: DemoStack, options: PlayOptions = {}): ScenarioPlayer {
  const controller = new AbortController();
  // Every story's pause listens on the one signal.
  setMaxListeners(0, controller.signal);
  const pacer = createPacer({ speed: stack.speed, signal: controller.signal, seed: options.seed });
  const transfers = createTransfers({ qb: stack.fakes.qbittorrent, pacer });
  const services = createServices({ stack, pacer, transfers });
  const live: Story = { services, pacer, pace: 1, instant: false };
  const played = new Set<string>();

  async function playRound(round: number): Promise<void> {
    const titles = roundTitles(round);
    for (const title of Object.values(titles)) {
      const key = `${title.mediaType}:${title.tmdbId}`;
      if (played.has(key)) services.forget(title);
      played.add(key);
    }
    await together(pacer, [
      [0, () => movieStory(live, titles.movie, { by: 'alice' })],
      [3, () => seasonStory(live, titles.tv, { by: 'bob', pendingFor: 6 })],
      [6, () => movieStory(live, titles.animeMovie, { by: 'carol' })],
      [10, () => packStory(live, titles.animeTv, { by: 'alice' })],
      // The longest stories start early, so the round does not end with one card moving alone.
      [8, () => movieStory(live, titles.stalled, { by: 'dave', trouble: 'stall' })],
      [16, () => movieStory(live, titles.failing, { by: 'bob', trouble: 'fail' })],
      [22, () => movieStory(live, titles.pending, { by: 'carol', pendingFor: 60 })],
    ]);
  }

  async function play(): Promise<void> {
    if (options.history !== false) {
      const quick: Story = { services, pacer, pace: 0.1, instant: true };
      const people: Requester[] = ['dave', 'alice', 'bob'];
      await together(
        pacer,
        CATALOG.history.map((title, i) => [
          i * 0.5,
          storyOf(title, quick, people[i % people.length] ?? 'alice'),
        ]),
      );
    }
    for (let round = 0; options.rounds === undefined || round < options.rounds; round++) {
      if (round > 0) await pacer.wait(options.pauseSeconds ?? 10);
      await playRound(round);
    }
  }

  const done = play().then(
    () => controller.abort(),
    (error: unknown) => {
      controller.abort();
      if (!isStopped(error)) throw error;
    },
  );
  const settled = Promise.all([done.catch(() => undefined), transfers.ticking]);
  return {
    done,
    async stop() {
      controller.abort();
      await settled;
    },
  };
}
