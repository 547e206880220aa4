import type { RequestSummary, State } from '../api/types';

export type TypeFilter = 'movie' | 'tv' | 'anime';

export interface BoardFilters {
  state: State | null;
  type: TypeFilter | null;
  requester: string | null;
  q: string;
}

/** The board filters on the client: it already holds every open request. */
export function filterRequests(items: RequestSummary[], filters: BoardFilters): RequestSummary[] {
  const q = filters.q.trim().toLowerCase();
  return items.filter((item) => {
    if (filters.state && item.state !== filters.state) return false;
    if (filters.type === 'anime' && !item.isAnime) return false;
    if ((filters.type === 'movie' || filters.type === 'tv') && item.mediaType !== filters.type) return false;
    if (filters.requester && item.requestedBy !== filters.requester) return false;
    if (q && !item.title.toLowerCase().includes(q)) return false;
    return true;
  });
}

/** Requesters present, sorted, for the "Requested by" filter. */
export function requestersOf(items: RequestSummary[]): string[] {
  const names = new Set<string>();
  for (const item of items) if (item.requestedBy) names.add(item.requestedBy);
  return [...names].sort((a, b) => a.localeCompare(b));
}

export function hasFilters(filters: BoardFilters): boolean {
  return Boolean(filters.state || filters.type || filters.requester || filters.q.trim());
}
