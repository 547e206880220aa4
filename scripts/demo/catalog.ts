/**
 * Real titles for the demo, with their real TMDB, TVDB, IMDb and AniDB ids. Posters are TMDB paths:
 * they load from image.tmdb.org when the viewer has internet and are a blank frame otherwise.
 * Each role lists several titles; round N plays the Nth of each, so the board does not repeat itself.
 */

interface Ids {
  tmdbId: number;
  imdbId: string;
  title: string;
  year: number;
  /** TMDB poster path. */
  poster: string;
  /** Shoko's AniDB anime id, for anime. */
  anidbId?: number;
}

export interface DemoMovie extends Ids {
  mediaType: 'movie';
  anime: boolean;
}

export interface DemoSeries extends Ids {
  mediaType: 'tv';
  anime: boolean;
  tvdbId: number;
  season: number;
  episodes: number;
  /** First air date of the season's first episode; the others follow weekly. */
  firstAired: string;
  episodeTitles?: string[];
}

export type DemoTitle = DemoMovie | DemoSeries;

export function posterUrl(title: DemoTitle): string {
  return `https://image.tmdb.org/t/p/w600_and_h900_bestv2${title.poster}`;
}

const movie = (ids: Ids, anime = false): DemoMovie => ({ mediaType: 'movie', anime, ...ids });
const series = (ids: Omit<DemoSeries, 'mediaType' | 'anime'>, anime = false): DemoSeries => ({
  mediaType: 'tv',
  anime,
  ...ids,
});

export const CATALOG = {
  /** Played through quickly at the start, so the board has a history. */
  history: [
    movie({
      tmdbId: 680,
      imdbId: 'tt0110912',
      title: 'Pulp Fiction',
      year: 1994,
      poster: '/d5iIlFn5s0ImszYzBPb8JPIfbXD.jpg',
    }),
    series({
      tmdbId: 87108,
      tvdbId: 360893,
      imdbId: 'tt7366338',
      title: 'Chernobyl',
      year: 2019,
      poster: '/hlLXt2tOPT6RRnjiUmoxyG1LTFi.jpg',
      season: 1,
      episodes: 5,
      firstAired: '2019-05-06',
    }),
    movie(
      {
        tmdbId: 129,
        imdbId: 'tt0245429',
        title: 'Spirited Away',
        year: 2001,
        poster: '/39wmItIWsg5sZMyRUHLkWBcuVCM.jpg',
        anidbId: 112,
      },
      true,
    ),
  ] as DemoTitle[],
  movie: [
    movie({
      tmdbId: 603,
      imdbId: 'tt0133093',
      title: 'The Matrix',
      year: 1999,
      poster: '/f89U3ADr1oiB1s9GkdPOEpXUk5H.jpg',
    }),
    movie({
      tmdbId: 27205,
      imdbId: 'tt1375666',
      title: 'Inception',
      year: 2010,
      poster: '/9gk7adHYeDvHkCSEqAvQNLV5Uge.jpg',
    }),
    movie({
      tmdbId: 438631,
      imdbId: 'tt1160419',
      title: 'Dune',
      year: 2021,
      poster: '/d5NXSklXo0qyIYkgV94XAgMIckC.jpg',
    }),
  ],
  tv: [
    series({
      tmdbId: 1396,
      tvdbId: 81189,
      imdbId: 'tt0903747',
      title: 'Breaking Bad',
      year: 2008,
      poster: '/ggFHVNu6YYI5L9pCfOacjizRGt.jpg',
      season: 1,
      episodes: 7,
      firstAired: '2008-01-20',
      episodeTitles: [
        'Pilot',
        "Cat's in the Bag...",
        "...And the Bag's in the River",
        'Cancer Man',
        'Gray Matter',
        "Crazy Handful of Nothin'",
        'A No-Rough-Stuff-Type Deal',
      ],
    }),
    series({
      tmdbId: 100088,
      tvdbId: 392256,
      imdbId: 'tt3581920',
      title: 'The Last of Us',
      year: 2023,
      poster: '/uKvVjHNqB5VmOrdxqAt2F7J78ED.jpg',
      season: 1,
      episodes: 9,
      firstAired: '2023-01-15',
    }),
    series({
      tmdbId: 1399,
      tvdbId: 121361,
      imdbId: 'tt0944947',
      title: 'Game of Thrones',
      year: 2011,
      poster: '/1XS1oqL89opfnbLl8WnZY1O1uJx.jpg',
      season: 1,
      episodes: 10,
      firstAired: '2011-04-17',
    }),
  ],
  animeMovie: [
    movie(
      {
        tmdbId: 378064,
        imdbId: 'tt5323662',
        title: 'A Silent Voice: The Movie',
        year: 2016,
        poster: '/tuFaWiqX0TXoWu7DGNcmX3UW7sT.jpg',
        anidbId: 12110,
      },
      true,
    ),
    movie(
      {
        tmdbId: 372058,
        imdbId: 'tt5311514',
        title: 'Your Name.',
        year: 2016,
        poster: '/q719jXXEzOoYaps6babgKnONONX.jpg',
        anidbId: 11829,
      },
      true,
    ),
  ],
  animeTv: [
    series(
      {
        tmdbId: 209867,
        tvdbId: 424536,
        imdbId: 'tt22248376',
        title: "Frieren: Beyond Journey's End",
        year: 2023,
        poster: '/dqZENchTd7lp5zht7BdlqM7RBhD.jpg',
        season: 1,
        episodes: 28,
        firstAired: '2023-09-29',
        anidbId: 17617,
      },
      true,
    ),
    series(
      {
        tmdbId: 1429,
        tvdbId: 267440,
        imdbId: 'tt2560140',
        title: 'Attack on Titan',
        year: 2013,
        poster: '/hTP1DtLGFamjfu8WqjnuQdP1n4i.jpg',
        season: 1,
        episodes: 25,
        firstAired: '2013-04-07',
        anidbId: 9541,
      },
      true,
    ),
  ],
  /** Stalls at 37 % for a while (no seeds), then finishes. */
  stalled: [
    movie({
      tmdbId: 335984,
      imdbId: 'tt1856101',
      title: 'Blade Runner 2049',
      year: 2017,
      poster: '/gajva2L0rPYkEWjzgFlBXCAVBE5.jpg',
    }),
    movie({
      tmdbId: 76341,
      imdbId: 'tt1392190',
      title: 'Mad Max: Fury Road',
      year: 2015,
      poster: '/8tZYtuWezp8JbcsvHYO0O46tFbo.jpg',
    }),
  ],
  /** The first download fails in qBittorrent; Radarr grabs another release that completes. */
  failing: [
    movie({
      tmdbId: 157336,
      imdbId: 'tt0816692',
      title: 'Interstellar',
      year: 2014,
      poster: '/gEU2QniE6E77NI6lCU6MxlNBvIx.jpg',
    }),
    movie({
      tmdbId: 155,
      imdbId: 'tt0468569',
      title: 'The Dark Knight',
      year: 2008,
      poster: '/qJ2tW6WMUDux911r6m7haRef0WH.jpg',
    }),
  ],
  /** Waits for an admin's approval in Jellyseerr for most of the round. */
  pending: [
    movie({
      tmdbId: 496243,
      imdbId: 'tt6751668',
      title: 'Parasite',
      year: 2019,
      poster: '/7IiTTgloJzvGI1TAYymCfbfl3vT.jpg',
    }),
    movie({
      tmdbId: 550,
      imdbId: 'tt0137523',
      title: 'Fight Club',
      year: 1999,
      poster: '/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg',
    }),
  ],
} satisfies Record<string, DemoTitle[]>;

/** Jellyseerr users who ask for things (user 1 is Jellyseerr's admin, who approves). */
export const REQUESTERS = ['alice', 'bob', 'carol', 'dave'] as const;
export type Requester = (typeof REQUESTERS)[number];
