import { describe, expect, it } from 'vitest';
import { summary } from '../test/fixtures';
import { filterRequests, hasFilters, requestersOf } from './filter-requests';

const items = [
  summary({ id: 'm', title: 'The Matrix', mediaType: 'movie', requestedBy: 'alice', state: 'downloading' }),
  summary({
    id: 'f',
    title: 'Frieren',
    mediaType: 'tv',
    isAnime: true,
    requestedBy: 'bob',
    state: 'approved',
  }),
  summary({ id: 's', title: 'Severance', mediaType: 'tv', requestedBy: null, state: 'downloading' }),
];
const none = { state: null, type: null, requester: null, q: '' };
const ids = (filters: Parameters<typeof filterRequests>[1]) =>
  filterRequests(items, filters).map((i) => i.id);

describe('board filters', () => {
  it('filter by type, with anime across movies and TV', () => {
    expect(ids({ ...none, type: 'tv' })).toEqual(['f', 's']);
    expect(ids({ ...none, type: 'anime' })).toEqual(['f']);
    expect(ids({ ...none, type: 'movie' })).toEqual(['m']);
  });

  it('filter by state, requester and title, together', () => {
    expect(ids({ ...none, state: 'downloading' })).toEqual(['m', 's']);
    expect(ids({ ...none, requester: 'bob' })).toEqual(['f']);
    expect(ids({ ...none, q: '  SEVER ' })).toEqual(['s']);
    expect(ids({ ...none, state: 'downloading', q: 'matrix' })).toEqual(['m']);
  });

  it('list the requesters present, sorted, without the unknown one', () => {
    expect(requestersOf(items)).toEqual(['alice', 'bob']);
  });

  it('know whether any filter is set', () => {
    expect(hasFilters(none)).toBe(false);
    expect(hasFilters({ ...none, q: ' ' })).toBe(false);
    expect(hasFilters({ ...none, type: 'anime' })).toBe(true);
  });
});
