import { describe, expect, it } from 'vitest';
import { jellyseerrTest } from '../jellyseerr/jellyseerr.fake.js';
import { radarrGrab } from '../radarr/radarr.fake.js';
import { clone, context, expectError, expectOne, omit, RECEIVED_AT } from '../shared/webhook.test-utils.js';
import {
  dashedGuid,
  FAKE_JELLYFIN_SERVER_ID,
  JELLYFIN_ITEM_ADDED_TEMPLATE,
  jellyfinItemAddedEpisode,
  jellyfinItemAddedMovie,
  jellyfinTemplateBody,
} from './jellyfin.fake.js';
import { parseJellyfinWebhook as parse } from './jellyfin.webhook.js';

const MOVIE_ID = '4b8f0c6a1e2d4f3a9b7c6d5e4f3a2b1c';
const SERIES_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const EPISODE_ID = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/**
 * Just enough Handlebars to render our template the way the plugin does: `{{x}}` (HTML-encoded),
 * `{{{x}}}` (raw), `{{#if_exist x}}…{{/if_exist}}` (value present and not empty), with a
 * case-insensitive data dictionary.
 */
function renderTemplate(template: string, data: Record<string, string | number>): string {
  const lookup = (key: string): string | undefined => {
    const entry = Object.entries(data).find(([k]) => k.toLowerCase() === key.toLowerCase());
    return entry === undefined ? undefined : String(entry[1]);
  };
  const encode = (s: string) => s.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
  return template
    .replace(/\{\{#if_exist (\w+)\}\}([\s\S]*?)\{\{\/if_exist\}\}/g, (_m, key: string, inner: string) =>
      lookup(key) ? inner : '',
    )
    .replace(/\{\{\{(\w+)\}\}\}/g, (_m, key: string) => lookup(key) ?? '')
    .replace(/\{\{(\w+)\}\}/g, (_m, key: string) => encode(lookup(key) ?? ''));
}

describe('Jellyfin fake and template', () => {
  it('the movie builder is what the recommended template renders', () => {
    const rendered = renderTemplate(JELLYFIN_ITEM_ADDED_TEMPLATE, {
      ServerId: FAKE_JELLYFIN_SERVER_ID,
      ServerName: 'jellyfin',
      ServerVersion: '10.11.8',
      NotificationType: 'ItemAdded',
      Timestamp: '01/22/2026 06:00:00',
      UtcTimestamp: '01/22/2026 05:00:00',
      Name: 'Léon: The \\"Professional\\"',
      Overview: 'An assassin & a girl.',
      ItemId: dashedGuid(MOVIE_ID),
      ItemType: 'Movie',
      RunTimeTicks: 80000000000,
      Year: 1994,
      Provider_tmdb: '101',
      Provider_imdb: 'tt0110413',
    });
    expect(JSON.parse(rendered)).toEqual(
      jellyfinItemAddedMovie({
        itemId: MOVIE_ID,
        name: 'Léon: The "Professional"',
        year: 1994,
        tmdbId: 101,
        imdbId: 'tt0110413',
      }),
    );
  });

  it('the episode builder is what the recommended template renders, season 0 included', () => {
    const rendered = renderTemplate(JELLYFIN_ITEM_ADDED_TEMPLATE, {
      ServerId: FAKE_JELLYFIN_SERVER_ID,
      ServerName: 'jellyfin',
      NotificationType: 'ItemAdded',
      Name: 'Pilot',
      ItemId: dashedGuid(EPISODE_ID),
      ItemType: 'Episode',
      SeriesName: 'Breaking Bad',
      SeriesId: dashedGuid(SERIES_ID),
      SeasonNumber: 0,
      EpisodeNumber: 1,
      EpisodeNumberEnd: 2,
      Year: 2008,
      Provider_tvdb: '349232',
    });
    const expected = jellyfinItemAddedEpisode({
      itemId: EPISODE_ID,
      seriesId: SERIES_ID,
      seriesName: 'Breaking Bad',
      year: 2008,
      seasonNumber: 0,
      episodeNumber: 1,
      episodeNumberEnd: 2,
      name: 'Pilot',
      episodeTvdbId: 349232,
    });
    expect(JSON.parse(rendered)).toEqual(expected);
    expect(expected.ItemId).toBe('0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0');
    expect(expected.SeasonNumber).toBe(0);
  });

  it('the template renders valid JSON when Jellyfin has no year, numbers or provider ids yet', () => {
    const rendered = renderTemplate(JELLYFIN_ITEM_ADDED_TEMPLATE, {
      NotificationType: 'ItemAdded',
      ItemId: dashedGuid(MOVIE_ID),
      ItemType: 'Movie',
      Name: 'Unknown',
    });
    const body: unknown = JSON.parse(rendered);
    expect(body).toMatchObject({ Provider_tmdb: '', SeriesId: '' });
    expect(body).not.toHaveProperty('Year');
    expect(expectOne(parse(body, context)).media).toMatchObject({ mediaType: 'movie', title: 'Unknown' });
  });
});

describe('Jellyfin webhook: ItemAdded', () => {
  it('Movie → available with normalised ids', () => {
    const body = jellyfinItemAddedMovie({
      itemId: MOVIE_ID,
      name: 'The Matrix',
      year: 1999,
      tmdbId: 603,
      imdbId: 'tt0133093',
    });
    expect(body.ItemId).toBe('4b8f0c6a-1e2d-4f3a-9b7c-6d5e4f3a2b1c');
    expect(parse(body, context)).toEqual({
      ok: true,
      kind: 'event',
      eventType: 'ItemAdded',
      observations: [
        {
          kind: 'available',
          jellyfinId: MOVIE_ID,
          source: 'jellyfin',
          at: RECEIVED_AT,
          media: {
            mediaType: 'movie',
            tmdbId: 603,
            imdbId: 'tt0133093',
            title: 'The Matrix',
            year: 1999,
            jellyfinId: MOVIE_ID,
          },
        },
      ],
    });
  });

  it('Movie without provider ids (sent after the retries ran out)', () => {
    const obs = expectOne(parse(jellyfinItemAddedMovie({ itemId: MOVIE_ID, name: 'Home Video' }), context));
    expect(obs.media).toEqual({
      mediaType: 'movie',
      tmdbId: undefined,
      imdbId: undefined,
      title: 'Home Video',
      year: undefined,
      jellyfinId: MOVIE_ID,
    });
    const absent = omit(
      jellyfinItemAddedMovie({ itemId: MOVIE_ID, name: 'x' }),
      'Provider_tmdb',
      'Provider_imdb',
    );
    expect(expectOne(parse(absent, context)).media.tmdbId).toBeUndefined();
  });

  it('Episode → available for the episode, media is the series', () => {
    const body = jellyfinItemAddedEpisode({
      itemId: EPISODE_ID,
      seriesId: SERIES_ID,
      seriesName: 'Breaking Bad',
      year: 2008,
      seasonNumber: 1,
      episodeNumber: 2,
      name: "Cat's in the Bag...",
      episodeTvdbId: 349233,
      episodeTmdbId: 62086,
    });
    const obs = expectOne(parse(body, context));
    expect(obs).toEqual({
      kind: 'available',
      jellyfinId: EPISODE_ID,
      source: 'jellyfin',
      at: RECEIVED_AT,
      media: { mediaType: 'tv', title: 'Breaking Bad', year: 2008, jellyfinId: SERIES_ID },
      episodes: [
        {
          seasonNumber: 1,
          episodeNumber: 2,
          tvdbId: 349233,
          title: "Cat's in the Bag...",
          jellyfinId: EPISODE_ID,
        },
      ],
    });
    // The episode's TMDB id is not the series' one.
    expect(obs.media.tmdbId).toBeUndefined();
  });

  it('a multi-episode file gives one ref per episode; the provider id belongs to the first', () => {
    const body = jellyfinItemAddedEpisode({
      itemId: EPISODE_ID,
      seriesId: SERIES_ID,
      seriesName: 'Show',
      seasonNumber: 3,
      episodeNumber: 4,
      episodeNumberEnd: 6,
      episodeTvdbId: 1000,
    });
    const obs = expectOne(parse(body, context));
    expect(obs.episodes).toEqual([
      { seasonNumber: 3, episodeNumber: 4, tvdbId: 1000, title: undefined, jellyfinId: EPISODE_ID },
      { seasonNumber: 3, episodeNumber: 5, jellyfinId: EPISODE_ID },
      { seasonNumber: 3, episodeNumber: 6, jellyfinId: EPISODE_ID },
    ]);
  });

  it('ignores an EpisodeNumberEnd that is not after EpisodeNumber', () => {
    const body = {
      ...jellyfinItemAddedEpisode({
        itemId: EPISODE_ID,
        seriesId: SERIES_ID,
        seriesName: 'S',
        seasonNumber: 1,
        episodeNumber: 5,
      }),
      EpisodeNumberEnd: 5,
    };
    expect(expectOne(parse(body, context)).episodes?.map((e) => e.episodeNumber)).toEqual([5]);
  });

  it('reads numbers sent as text and ids in any format', () => {
    const body = {
      NotificationType: 'ItemAdded',
      ItemType: 'Episode',
      ItemId: `{${dashedGuid(EPISODE_ID).toUpperCase()}}`,
      SeriesId: SERIES_ID.toUpperCase(),
      SeriesName: 'Show',
      Name: 'Ep',
      Year: '2019',
      SeasonNumber: '2',
      EpisodeNumber: '10',
      EpisodeNumberEnd: '',
      Provider_tvdb: 7001,
    };
    const obs = expectOne(parse(body, context));
    expect(obs).toMatchObject({
      jellyfinId: EPISODE_ID,
      media: { year: 2019, jellyfinId: SERIES_ID },
      episodes: [{ seasonNumber: 2, episodeNumber: 10, tvdbId: 7001 }],
    });
  });

  it('matches keys case-insensitively', () => {
    const body = {
      notificationType: 'ItemAdded',
      itemtype: 'movie',
      itemId: MOVIE_ID,
      NAME: 'The Matrix',
      year: 1999,
      provider_TMDB: '603',
    };
    expect(expectOne(parse(body, context)).media).toMatchObject({
      tmdbId: 603,
      title: 'The Matrix',
      year: 1999,
    });
  });

  it('treats a body with ItemType but no NotificationType as ItemAdded', () => {
    const body = omit(jellyfinItemAddedMovie({ itemId: MOVIE_ID, name: 'x' }), 'NotificationType');
    const result = parse(body, context);
    expect(result).toMatchObject({ ok: true, kind: 'event', eventType: 'ItemAdded' });
    expect(expectOne(result).kind).toBe('available');
  });

  it('reads SendAllProperties bodies: N-format ids, ISO UtcTimestamp as the time', () => {
    const body = {
      ServerId: FAKE_JELLYFIN_SERVER_ID,
      NotificationType: 'ItemAdded',
      Timestamp: '2026-01-22T06:36:40.2551822+01:00',
      UtcTimestamp: '2026-01-22T04:36:40.2551822Z',
      Name: 'The Matrix',
      ItemId: MOVIE_ID,
      ItemType: 'Movie',
      RunTimeTicks: 81720000000,
      Year: 1999,
      Provider_Tmdb: '603',
      Audio_0_Codec: 'eac3',
    };
    expect(expectOne(parse(body, context))).toMatchObject({
      at: '2026-01-22T04:36:40.255Z',
      jellyfinId: MOVIE_ID,
    });
  });

  it.each([
    ['2026-01-22T04:36:40', '2026-01-22T04:36:40.000Z'],
    ['2026-01-22T05:36:40+0100', '2026-01-22T04:36:40.000Z'],
    ['01/22/2026 04:36:40', RECEIVED_AT],
    ['1/22/2026 4:36:40 AM', RECEIVED_AT],
    ['2026-13-45T99:00:00Z', RECEIVED_AT],
    ['', RECEIVED_AT],
  ])('UtcTimestamp %j → at %s', (stamp, at) => {
    const body = { ...jellyfinItemAddedMovie({ itemId: MOVIE_ID, name: 'x' }), UtcTimestamp: stamp };
    expect(expectOne(parse(body, context)).at).toBe(at);
  });

  it('is deterministic and does not change the body', () => {
    const body = jellyfinItemAddedMovie({ itemId: MOVIE_ID, name: 'x', tmdbId: 1 });
    const before = clone(body);
    expect(parse(body, context)).toEqual(parse(body, context));
    expect(body).toEqual(before);
  });
});

describe('Jellyfin webhook: ignored notifications', () => {
  it.each([
    ['PlaybackStart', 'Movie'],
    ['ItemDeleted', 'Movie'],
    ['UserDataSaved', 'Episode'],
    ['SomethingNew', ''],
  ])('%s → event without observations', (notificationType, itemType) => {
    const body = jellyfinTemplateBody({
      NotificationType: notificationType,
      ItemType: itemType,
      ItemId: MOVIE_ID,
    });
    expect(parse(body, context)).toEqual({
      ok: true,
      kind: 'event',
      eventType: notificationType,
      observations: [],
    });
  });

  it.each(['Series', 'Season', 'Audio', 'MusicAlbum', 'Video'])(
    'ItemAdded %s → event without observations',
    (itemType) => {
      const body = jellyfinTemplateBody({
        NotificationType: 'ItemAdded',
        ItemType: itemType,
        ItemId: SERIES_ID,
        Name: 'x',
      });
      expect(parse(body, context)).toEqual({
        ok: true,
        kind: 'event',
        eventType: 'ItemAdded',
        observations: [],
      });
    },
  );

  it('a generic notification needs nothing but NotificationType', () => {
    expect(parse({ NotificationType: 'Generic' }, context)).toEqual({
      ok: true,
      kind: 'event',
      eventType: 'Generic',
      observations: [],
    });
  });
});

describe('Jellyfin webhook: rejections', () => {
  const episode = jellyfinItemAddedEpisode({
    itemId: EPISODE_ID,
    seriesId: SERIES_ID,
    seriesName: 'Show',
    seasonNumber: 1,
    episodeNumber: 1,
  });

  it('rejects non-objects and bodies of other services', () => {
    expect(expectError(parse([], context))).toBe('body is not a JSON object');
    expect(expectError(parse({}, context))).toBe('not a Jellyfin payload: NotificationType missing');
    expect(expectError(parse(jellyseerrTest(), context))).toBe(
      'not a Jellyfin payload: NotificationType missing (this looks like a Jellyseerr payload)',
    );
    const radarr = radarrGrab({ movieId: 1, tmdbId: 2, title: 'x', year: 2000, downloadId: 'A' });
    expect(expectError(parse(radarr, context))).toContain('(this looks like a Radarr payload)');
    expect(expectError(parse({ NotificationType: 3 }, context))).toContain(
      'NotificationType is not a string',
    );
  });

  it('rejects ItemAdded without an item type', () => {
    expect(expectError(parse({ NotificationType: 'ItemAdded', ItemId: MOVIE_ID }, context))).toBe(
      'ItemAdded: ItemType: missing, expected a string such as "Movie"',
    );
    expect(expectError(parse({ NotificationType: 'ItemAdded', ItemType: 4 }, context))).toContain('ItemType');
  });

  it('rejects a Movie or Episode without a usable ItemId', () => {
    const movie = jellyfinItemAddedMovie({ itemId: MOVIE_ID, name: 'x' });
    expect(expectError(parse(omit(movie, 'ItemId'), context))).toBe(
      'ItemAdded Movie: ItemId: missing, expected a Jellyfin id (32 hex digits, dashes allowed)',
    );
    expect(expectError(parse({ ...movie, ItemId: '' }, context))).toContain('ItemId: missing');
    expect(expectError(parse({ ...episode, ItemId: 'not-a-guid' }, context))).toBe(
      'ItemAdded Episode: ItemId: expected a Jellyfin id (32 hex digits, dashes allowed), got "not-a-guid"',
    );
    expect(expectError(parse({ ...episode, SeriesId: 12 }, context))).toContain(
      'SeriesId: expected a Jellyfin id',
    );
  });

  it('rejects an Episode without season or episode number', () => {
    expect(expectError(parse(omit(episode, 'SeasonNumber'), context))).toBe(
      'ItemAdded Episode: SeasonNumber: missing, expected a number',
    );
    expect(expectError(parse({ ...episode, EpisodeNumber: 'one' }, context))).toBe(
      'ItemAdded Episode: EpisodeNumber: expected a number (or a string of digits), got "one"',
    );
  });

  it('rejects a non-numeric provider id and an absurd episode range', () => {
    const movie = jellyfinItemAddedMovie({ itemId: MOVIE_ID, name: 'x' });
    expect(expectError(parse({ ...movie, Provider_tmdb: 'tt123' }, context))).toBe(
      'ItemAdded Movie: Provider_tmdb: expected a number (or a string of digits), got "tt123"',
    );
    expect(expectError(parse({ ...episode, EpisodeNumberEnd: 5000 }, context))).toContain('EpisodeNumberEnd');
  });
});
