import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { queryKeys } from './query-keys';
import {
  FINISHED_STATES,
  type ListParams,
  type RequestDetail,
  type RequestList,
  type RequestSummary,
} from './types';

/** Whether the server would list this request for these parameters (request-queries.ts `list`). */
function matchesList(summary: RequestSummary, params: ListParams): boolean {
  const finished = (FINISHED_STATES as readonly string[]).includes(summary.state);
  if (params.active === true && finished) return false;
  if (params.active === false && !finished) return false;
  if (params.state && summary.state !== params.state) return false;
  if (params.mediaType && summary.mediaType !== params.mediaType) return false;
  const q = params.q?.trim().toLowerCase();
  if (q && !summary.title.toLowerCase().includes(q)) return false;
  return true;
}

/**
 * One list after an event: the request is replaced in place (cards do not jump on every progress
 * tick), removed when it no longer belongs (it became available and left the board), or added on top
 * of a first page. `refetch` when the change moves items across pages; `unchanged` when it is older
 * than what the list already shows (a replayed event after a fresh fetch).
 */
export function updateList(
  list: RequestList,
  params: ListParams,
  summary: RequestSummary,
): RequestList | 'unchanged' | 'refetch' {
  const index = list.items.findIndex((item) => item.id === summary.id);
  const belongs = matchesList(summary, params);
  if (index >= 0) {
    const current = list.items[index]!;
    if (summary.updatedAt < current.updatedAt) return 'unchanged';
    if (belongs) return { ...list, items: list.items.with(index, summary) };
    if (params.offset > 0) return 'refetch';
    return { items: list.items.filter((item) => item.id !== summary.id), total: Math.max(0, list.total - 1) };
  }
  if (!belongs) return 'unchanged';
  if (params.offset > 0) return 'refetch';
  return { items: [summary, ...list.items].slice(0, params.limit), total: list.total + 1 };
}

/**
 * A `request` event from /api/events: every cached list learns the new summary; the request's detail
 * takes the summary's fields at once and is refetched for its episodes, downloads and timeline.
 */
export function applyRequestEvent(queryClient: QueryClient, summary: RequestSummary): void {
  const toRefetch: QueryKey[] = [];
  for (const [key, list] of queryClient.getQueriesData<RequestList>({ queryKey: queryKeys.lists })) {
    const params = key[2] as ListParams | undefined;
    if (!list || !params) continue;
    const next = updateList(list, params, summary);
    if (next === 'refetch') toRefetch.push(key);
    else if (next !== 'unchanged') queryClient.setQueryData(key, next);
  }
  for (const key of toRefetch) void queryClient.invalidateQueries({ queryKey: key, exact: true });

  const detailKey = queryKeys.detail(summary.id);
  queryClient.setQueryData<RequestDetail>(detailKey, (detail) =>
    detail && summary.updatedAt >= detail.updatedAt ? { ...detail, ...summary } : detail,
  );
  void queryClient.invalidateQueries({ queryKey: detailKey, exact: true });
}

/** After the stream was down: every list may have missed events. */
export function refreshAfterGap(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: queryKeys.requests });
}
