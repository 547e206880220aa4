import type { RequestSummary, Service } from '../api/types';

export interface ExternalLink {
  label: string;
  href: string;
}

/** The request's page in this app. */
export function requestPath(id: string): string {
  return `/requests/${encodeURIComponent(id)}`;
}

type Ids = Pick<RequestSummary, 'mediaType' | 'tmdbId' | 'tvdbId' | 'imdbId' | 'jellyseerrRequestId'> & {
  jellyfinId?: string | null;
};

/** TMDB, TVDB and IMDb pages: public, shown to everyone. */
export function publicLinks(ids: Ids): ExternalLink[] {
  const links: ExternalLink[] = [];
  if (ids.tmdbId !== null) {
    links.push({ label: 'TMDB', href: `https://www.themoviedb.org/${ids.mediaType}/${ids.tmdbId}` });
  }
  if (ids.tvdbId !== null) {
    // The dereferrer takes a bare id and redirects to the slug page.
    links.push({ label: 'TVDB', href: `https://thetvdb.com/dereferrer/series/${ids.tvdbId}` });
  }
  if (ids.imdbId)
    links.push({ label: 'IMDb', href: `https://www.imdb.com/title/${encodeURIComponent(ids.imdbId)}/` });
  return links;
}

const base = (service: Service) => service.url.replace(/\/+$/, '');

/**
 * The item in each configured service, built from the instances' URLs (admins only: the service list
 * is theirs). Sonarr addresses series by a title slug the tracker does not know, so its link searches
 * by TVDB id, which lands on the series when it is in the library.
 */
export function serviceLinks(ids: Ids, services: Service[]): ExternalLink[] {
  const links: ExternalLink[] = [];
  for (const service of services) {
    const root = base(service);
    if (service.kind === 'jellyseerr' && ids.tmdbId !== null) {
      const request = ids.jellyseerrRequestId !== null ? ` (request #${ids.jellyseerrRequestId})` : '';
      links.push({ label: `${service.name}${request}`, href: `${root}/${ids.mediaType}/${ids.tmdbId}` });
    }
    if (service.kind === 'radarr' && ids.mediaType === 'movie' && ids.tmdbId !== null) {
      links.push({ label: service.name, href: `${root}/movie/${ids.tmdbId}` });
    }
    if (service.kind === 'sonarr' && ids.mediaType === 'tv' && ids.tvdbId !== null) {
      links.push({
        label: service.name,
        href: `${root}/add/new?term=${encodeURIComponent(`tvdb:${ids.tvdbId}`)}`,
      });
    }
    if (service.kind === 'jellyfin' && ids.jellyfinId) {
      links.push({
        label: service.name,
        href: `${root}/web/#/details?id=${encodeURIComponent(ids.jellyfinId)}`,
      });
    }
  }
  return links;
}
