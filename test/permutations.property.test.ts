import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../src/clock.js';
import { openDatabase } from '../src/db/database.js';
import * as schema from '../src/db/schema.js';
import {
  jellyfinItemAddedEpisode,
  jellyfinItemAddedMovie,
} from '../src/integrations/jellyfin/jellyfin.fake.js';
import { jellyseerrNotification } from '../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrDownload, radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { loadCapture } from '../src/integrations/shared/webhook.test-utils.js';
import {
  sonarrDownloadFile,
  sonarrEpisodes,
  sonarrGrab,
  sonarrImportComplete,
} from '../src/integrations/sonarr/sonarr.fake.js';
import type { WebhookSource } from '../src/integrations/webhook.types.js';
import { webhookParsers } from '../src/integrations/webhook-parsers.js';
import { createEventBus } from '../src/tracker/event-bus.js';
import { createTracker } from '../src/tracker/tracker.js';

type Payload = [WebhookSource, unknown];

/**
 * Feeds payloads through the real parsers and the real tracker (correlation, derivation, storage)
 * on a fresh in-memory database, and returns what the API would show: every tracked item with its
 * state and episode states, in a stable order.
 */
function run(payloads: Payload[]) {
  const db = openDatabase({ file: ':memory:' });
  const clock = createFakeClock();
  const tracker = createTracker({ db, bus: createEventBus(), clock, trustAvailableHint: () => false });
  for (const [source, body] of payloads) {
    clock.advance(1000);
    const parsed = webhookParsers[source](body, { receivedAt: clock.now().toISOString() });
    if (!parsed.ok) throw new Error(parsed.error);
    if (parsed.kind === 'event') tracker.ingest(parsed.observations);
  }
  const rows = db.select().from(schema.requests).all();
  db.$client.close();
  return rows
    .map((r) => ({
      title: r.title,
      source: r.source,
      state: r.state,
      jellyseerrRequestId: r.jellyseerrRequestId,
      isAnime: r.isAnime,
      episodes: (
        JSON.parse(r.episodes) as Array<{ seasonNumber: number; episodeNumber: number; state: string }>
      ).map((e) => `S${e.seasonNumber}E${e.episodeNumber}:${e.state}`),
      downloads: (JSON.parse(r.downloads) as Array<{ downloadId: string; state: string }>)
        .map((d) => `${d.downloadId}:${d.state}`)
        .sort(),
    }))
    .sort((a, b) => String(a.jellyseerrRequestId).localeCompare(String(b.jellyseerrRequestId)));
}

/** Any order, with any of the payloads delivered more than once. */
const deliveries = (payloads: Payload[]) =>
  fc
    .tuple(
      fc.shuffledSubarray(payloads, { minLength: payloads.length, maxLength: payloads.length }),
      fc.array(fc.nat({ max: payloads.length - 1 }), { maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 4 }),
    )
    .map(([order, duplicates, positions]) => {
      const out = [...order];
      duplicates.forEach((index, i) => {
        out.splice((positions[i] ?? 0) % (out.length + 1), 0, payloads[index]!);
      });
      return out;
    });

const movie = { movieId: 12, tmdbId: 603, title: 'The Matrix', year: 1999 };
const regularMovie: Payload[] = [
  [
    'jellyseerr',
    jellyseerrNotification({
      type: 'MEDIA_PENDING',
      mediaType: 'movie',
      tmdbId: 603,
      requestId: 1,
      title: 'The Matrix',
      year: 1999,
    }),
  ],
  [
    'jellyseerr',
    jellyseerrNotification({
      type: 'MEDIA_APPROVED',
      mediaType: 'movie',
      tmdbId: 603,
      requestId: 1,
      title: 'The Matrix',
      year: 1999,
    }),
  ],
  ['radarr', radarrGrab({ ...movie, downloadId: 'A'.repeat(40) })],
  ['radarr', radarrDownload({ ...movie, downloadId: 'A'.repeat(40), movieFileId: 1 })],
  [
    'jellyfin',
    jellyfinItemAddedMovie({ itemId: '1'.repeat(32), name: 'The Matrix', year: 1999, tmdbId: 603 }),
  ],
];

const bb = { seriesId: 31, tvdbId: 81189, tmdbId: 1396, title: 'Breaking Bad', year: 2008 };
const bbEpisodes = sonarrEpisodes({ seasonNumber: 1, count: 4, firstId: 100, firstTvdbId: 349232 });
const regularTv: Payload[] = [
  [
    'jellyseerr',
    jellyseerrNotification({
      type: 'MEDIA_AUTO_APPROVED',
      mediaType: 'tv',
      tmdbId: 1396,
      tvdbId: 81189,
      requestId: 2,
      title: 'Breaking Bad',
      year: 2008,
      seasons: [1],
    }),
  ],
  ['sonarr', sonarrGrab({ ...bb, episodes: bbEpisodes, downloadId: 'B'.repeat(40) })],
  ...bbEpisodes.map(
    (e): Payload => [
      'sonarr',
      sonarrDownloadFile({ ...bb, episodes: [e], downloadId: 'B'.repeat(40), episodeFileId: 500 + e.id }),
    ],
  ),
  [
    'sonarr',
    sonarrImportComplete({
      ...bb,
      episodes: bbEpisodes,
      downloadId: 'B'.repeat(40),
      episodeFiles: bbEpisodes.map((e) => ({
        id: 500 + e.id,
        path: `/tv/Breaking Bad/Season 1/e${e.episodeNumber}.mkv`,
      })),
    }),
  ],
  ...bbEpisodes.slice(0, 3).map(
    (e): Payload => [
      'jellyfin',
      jellyfinItemAddedEpisode({
        itemId: `${e.id}`.padEnd(32, '0'),
        seriesId: 'b'.repeat(32),
        seriesName: 'Breaking Bad',
        year: 2008,
        seasonNumber: 1,
        episodeNumber: e.episodeNumber,
        episodeTvdbId: e.tvdbId,
      }),
    ],
  ),
];

const animeMovie: Payload[] = [
  ['jellyseerr', loadCapture('jellyseerr-movie-auto-approved')],
  ['radarr', loadCapture('radarr-grab')],
  [
    'radarr',
    radarrDownload({
      movieId: 52,
      tmdbId: 533514,
      title: 'Violet Evergarden: The Movie',
      year: 2020,
      tags: ['anime'],
      downloadId: 'C2C60F66C126652A86F7F2EE73DC83D4E255929E',
      movieFileId: 37,
    }),
  ],
];

const lycoris = { seriesId: 23, tvdbId: 414057, title: 'Lycoris Recoil', year: 2022, type: 'anime' as const };
const lyEpisodes = sonarrEpisodes({ seasonNumber: 1, count: 6, firstId: 739, firstTvdbId: 8916235 });
const animeTv: Payload[] = [
  ['jellyseerr', loadCapture('jellyseerr-tv-auto-approved')],
  ['sonarr', sonarrGrab({ ...lycoris, episodes: lyEpisodes.slice(0, 3), downloadId: '1'.repeat(40) })],
  ['sonarr', sonarrGrab({ ...lycoris, episodes: lyEpisodes.slice(3), downloadId: '2'.repeat(40) })],
  [
    'sonarr',
    sonarrImportComplete({ ...lycoris, episodes: lyEpisodes.slice(0, 3), downloadId: '1'.repeat(40) }),
  ],
  ...lyEpisodes.slice(3).map(
    (e): Payload => [
      'sonarr',
      sonarrDownloadFile({
        ...lycoris,
        episodes: [e],
        downloadId: '2'.repeat(40),
        episodeFileId: 800 + e.id,
      }),
    ],
  ),
];

describe('any order of a path, with duplicates, ends in the same requests and episode states', () => {
  it.each([
    ['regular movie', regularMovie, 'available'],
    ['regular TV season pack', regularTv, 'importing'],
    ['anime movie', animeMovie, 'anime_matching'],
    ['anime TV in several downloads', animeTv, 'anime_matching'],
  ])('%s', (_name, payloads, finalState) => {
    const expected = run(payloads);
    expect(expected).toHaveLength(1);
    expect(expected[0]?.state).toBe(finalState);
    expect(expected[0]?.source).toBe('jellyseerr');
    fc.assert(
      fc.property(deliveries(payloads), (delivered) => {
        expect(run(delivered)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});

describe('a re-request of an available title', () => {
  it('never touches the old request, whatever order the new events arrive in', () => {
    const rerequest: Payload[] = [
      [
        'jellyseerr',
        jellyseerrNotification({
          type: 'MEDIA_AUTO_APPROVED',
          mediaType: 'movie',
          tmdbId: 603,
          requestId: 9,
          title: 'The Matrix',
          year: 1999,
        }),
      ],
      ['radarr', radarrGrab({ ...movie, downloadId: 'D'.repeat(40) })],
      ['radarr', radarrDownload({ ...movie, downloadId: 'D'.repeat(40), movieFileId: 2 })],
      [
        'jellyfin',
        jellyfinItemAddedMovie({ itemId: '2'.repeat(32), name: 'The Matrix', year: 1999, tmdbId: 603 }),
      ],
    ];
    const before = run(regularMovie)[0];
    fc.assert(
      fc.property(deliveries(rerequest), (delivered) => {
        const after = run([...regularMovie, ...delivered]);
        const old = after.find((r) => r.jellyseerrRequestId === 1);
        expect(old).toEqual(before);
        const fresh = after.find((r) => r.jellyseerrRequestId === 9);
        expect(fresh?.state).toBe('available');
        expect(fresh?.downloads).toEqual([`${'D'.repeat(40)}:imported`]);
        expect(after).toHaveLength(2);
      }),
      { numRuns: 40 },
    );
  });
});
