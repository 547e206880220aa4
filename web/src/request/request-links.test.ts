import { describe, expect, it } from 'vitest';
import type { Service } from '../api/types';
import { publicLinks, serviceLinks } from './request-links';

const service = (kind: string, name: string, url: string): Service => ({
  id: `env-${kind}`,
  kind,
  name,
  origin: 'env',
  url,
  username: null,
  secretsSet: [],
  status: { circuit: 'closed', lastSuccessAt: null, lastErrorAt: null, lastError: null, lastErrorKind: null },
});

const services = [
  service('jellyseerr', 'Jellyseerr', 'http://seerr:5055/'),
  service('radarr', 'Radarr', 'http://radarr:7878'),
  service('radarr', 'Radarr 4K', 'http://radarr4k:7878'),
  service('sonarr', 'Sonarr', 'http://sonarr:8989'),
  service('jellyfin', 'Jellyfin', 'http://jf:8096'),
];

describe('links of a request', () => {
  it('point a movie at Jellyseerr, every Radarr and its Jellyfin item', () => {
    const movie = {
      mediaType: 'movie' as const,
      tmdbId: 603,
      tvdbId: null,
      imdbId: 'tt0133093',
      jellyseerrRequestId: 12,
      jellyfinId: 'abc',
    };
    expect(serviceLinks(movie, services)).toEqual([
      { label: 'Jellyseerr (request #12)', href: 'http://seerr:5055/movie/603' },
      { label: 'Radarr', href: 'http://radarr:7878/movie/603' },
      { label: 'Radarr 4K', href: 'http://radarr4k:7878/movie/603' },
      { label: 'Jellyfin', href: 'http://jf:8096/web/#/details?id=abc' },
    ]);
    expect(publicLinks(movie).map((l) => l.href)).toEqual([
      'https://www.themoviedb.org/movie/603',
      'https://www.imdb.com/title/tt0133093/',
    ]);
  });

  it('search Sonarr by TVDB id, since its pages use a title slug', () => {
    const show = {
      mediaType: 'tv' as const,
      tmdbId: 95396,
      tvdbId: 371980,
      imdbId: null,
      jellyseerrRequestId: null,
    };
    expect(serviceLinks(show, services)).toEqual([
      { label: 'Jellyseerr', href: 'http://seerr:5055/tv/95396' },
      { label: 'Sonarr', href: 'http://sonarr:8989/add/new?term=tvdb%3A371980' },
    ]);
    expect(publicLinks(show).map((l) => l.label)).toEqual(['TMDB', 'TVDB']);
  });
});
