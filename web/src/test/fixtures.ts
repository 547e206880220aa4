import type { RequestSummary } from '../api/types';

export function summary(overrides: Partial<RequestSummary> = {}): RequestSummary {
  return {
    id: 'req-1',
    title: 'The Matrix',
    year: 1999,
    mediaType: 'movie',
    isAnime: false,
    state: 'downloading',
    tmdbId: 603,
    tvdbId: null,
    imdbId: 'tt0133093',
    jellyseerrRequestId: 1,
    requestedBy: 'alice',
    source: 'jellyseerr',
    posterUrl: null,
    progress: 0.65,
    speedBytesPerSecond: 5_000_000,
    etaSeconds: 720,
    problem: null,
    episodeCounts: {},
    requestedSeasons: [],
    createdAt: '2026-01-05T10:00:00.000Z',
    updatedAt: '2026-01-05T10:05:00.000Z',
    ...overrides,
  };
}
