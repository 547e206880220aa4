import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { summary } from '../test/fixtures';
import { BOARD_PARAMS, queryKeys } from './query-keys';
import { applyRequestEvent, updateList } from './request-cache';
import type { ListParams, RequestDetail, RequestList } from './types';

const HISTORY: ListParams = { active: false, limit: 25, offset: 0 };

function clientWith(entries: Array<[readonly unknown[], unknown]>): QueryClient {
  const client = new QueryClient();
  for (const [key, data] of entries) client.setQueryData(key, data);
  return client;
}

describe('a request event in the cache', () => {
  it('replaces the request in the board in place', () => {
    const a = summary({ id: 'a', title: 'A', progress: 0.2 });
    const b = summary({ id: 'b', title: 'B' });
    const client = clientWith([[queryKeys.list(BOARD_PARAMS), { items: [a, b], total: 2 }]]);
    applyRequestEvent(client, { ...a, progress: 0.65, updatedAt: '2026-01-05T10:06:00.000Z' });
    const board = client.getQueryData<RequestList>(queryKeys.list(BOARD_PARAMS));
    expect(board?.items.map((i) => [i.id, i.progress])).toEqual([
      ['a', 0.65],
      ['b', 0.65],
    ]);
    expect(board?.total).toBe(2);
  });

  it('adds a new open request on top of the board and leaves finished lists alone', () => {
    const old = summary({ id: 'old' });
    const history = { items: [summary({ id: 'done', state: 'available' })], total: 1 };
    const client = clientWith([
      [queryKeys.list(BOARD_PARAMS), { items: [old], total: 1 }],
      [queryKeys.list(HISTORY), history],
    ]);
    applyRequestEvent(client, summary({ id: 'new', state: 'approved' }));
    expect(client.getQueryData<RequestList>(queryKeys.list(BOARD_PARAMS))?.items.map((i) => i.id)).toEqual([
      'new',
      'old',
    ]);
    expect(client.getQueryData<RequestList>(queryKeys.list(HISTORY))).toBe(history);
  });

  it('moves a request that became available from the board to the history', () => {
    const movie = summary({ id: 'm' });
    const client = clientWith([
      [queryKeys.list(BOARD_PARAMS), { items: [movie], total: 1 }],
      [queryKeys.list(HISTORY), { items: [], total: 0 }],
    ]);
    applyRequestEvent(client, {
      ...movie,
      state: 'available',
      progress: null,
      updatedAt: '2026-01-05T11:00:00Z',
    });
    expect(client.getQueryData<RequestList>(queryKeys.list(BOARD_PARAMS))).toEqual({ items: [], total: 0 });
    expect(client.getQueryData<RequestList>(queryKeys.list(HISTORY))?.items.map((i) => i.state)).toEqual([
      'available',
    ]);
  });

  it('ignores an event older than what the list shows (a replay after a fresh fetch)', () => {
    const fresh = summary({ id: 'a', progress: 0.9, updatedAt: '2026-01-05T10:10:00Z' });
    const list = { items: [fresh], total: 1 };
    expect(
      updateList(list, BOARD_PARAMS, { ...fresh, progress: 0.1, updatedAt: '2026-01-05T10:00:00Z' }),
    ).toBe('unchanged');
  });

  it('refetches a later page instead of guessing where a new item falls', () => {
    const page2: ListParams = { ...HISTORY, offset: 25 };
    expect(updateList({ items: [], total: 30 }, page2, summary({ id: 'x', state: 'declined' }))).toBe(
      'refetch',
    );
  });

  it('respects the list’s filters: title search, type and state', () => {
    const list = { items: [], total: 0 };
    const tv = summary({ id: 'tv', mediaType: 'tv', title: 'Severance' });
    expect(updateList(list, { ...BOARD_PARAMS, mediaType: 'movie' }, tv)).toBe('unchanged');
    expect(updateList(list, { ...BOARD_PARAMS, q: 'sever' }, tv)).not.toBe('unchanged');
    expect(updateList(list, { ...BOARD_PARAMS, q: 'matrix' }, tv)).toBe('unchanged');
    expect(updateList(list, { ...BOARD_PARAMS, state: 'failed' }, tv)).toBe('unchanged');
  });

  it('updates the open detail at once and marks it for a refetch', () => {
    const movie = summary({ id: 'm', progress: 0.2 });
    const detail: RequestDetail = { ...movie, episodes: [], downloads: [], timeline: [], jellyfinId: null };
    const client = clientWith([[queryKeys.detail('m'), detail]]);
    applyRequestEvent(client, { ...movie, progress: 0.5, updatedAt: '2026-01-05T10:06:00Z' });
    expect(client.getQueryData<RequestDetail>(queryKeys.detail('m'))?.progress).toBe(0.5);
    expect(client.getQueryState(queryKeys.detail('m'))?.isInvalidated).toBe(true);
  });
});
