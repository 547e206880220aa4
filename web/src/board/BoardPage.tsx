import { useSearchParams } from 'react-router';
import { useBoard } from '../api/requests.queries';
import { useIsAdmin } from '../api/session.queries';
import { FINISHED_STATES, STATES, type State } from '../api/types';
import { RequestCard } from '../request/RequestCard';
import { ErrorNotice, Loading } from '../ui/QueryState';
import { type FilterValues, MEDIA_TYPES, RequestFilters } from '../ui/RequestFilters';
import { usePageTitle } from '../ui/usePageTitle';
import { EmptyBoard } from './EmptyBoard';
import {
  type BoardFilters,
  filterRequests,
  hasFilters,
  requestersOf,
  type TypeFilter,
} from './filter-requests';

const ACTIVE_STATES = STATES.filter((s) => !(FINISHED_STATES as readonly State[]).includes(s));
/** The board holds every open request, so it can also filter on anime. */
const TYPES = [...MEDIA_TYPES, { value: 'anime', label: 'Anime' }];

function readFilters(params: URLSearchParams): BoardFilters {
  const state = params.get('state');
  const type = params.get('type');
  return {
    state: state && (STATES as readonly string[]).includes(state) ? (state as State) : null,
    type: type === 'movie' || type === 'tv' || type === 'anime' ? (type as TypeFilter) : null,
    requester: params.get('by') || null,
    q: params.get('q') ?? '',
  };
}

/** `/`: every open request as a card, filtered in the URL so a filtered board can be bookmarked. */
export function BoardPage() {
  usePageTitle('Board');
  const board = useBoard();
  const canAct = useIsAdmin();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);

  const setFilters = (next: FilterValues) => {
    const search = new URLSearchParams();
    if (next.q) search.set('q', next.q);
    if (next.state) search.set('state', next.state);
    if (next.type) search.set('type', next.type);
    if (next.requester) search.set('by', next.requester);
    setParams(search, { replace: true });
  };

  if (board.isPending) return <Loading label="Loading the board…" />;
  if (board.isError) return <ErrorNotice error={board.error} onRetry={() => void board.refetch()} />;

  const items = board.data.items;
  const shown = filterRequests(items, filters);
  const problems = items.filter((item) => item.problem).length;
  const requesters = requestersOf(items);

  return (
    <>
      <header className="page-header">
        <h1>On their way</h1>
        <p className="page-summary">
          {items.length === 0
            ? 'Nothing open right now.'
            : `${items.length} open ${items.length === 1 ? 'request' : 'requests'}${
                problems > 0 ? ` · ${problems} ${problems === 1 ? 'needs' : 'need'} attention` : ''
              }`}
        </p>
      </header>
      {items.length === 0 ? (
        <EmptyBoard isAdmin={canAct} />
      ) : (
        <>
          <RequestFilters
            label="Filter the board"
            values={{
              q: filters.q,
              state: filters.state ?? '',
              type: filters.type ?? '',
              requester: filters.requester ?? '',
            }}
            onChange={setFilters}
            states={ACTIVE_STATES}
            types={TYPES}
            {...(requesters.length > 1 ? { requesters } : {})}
          />
          {shown.length === 0 ? (
            <div className="empty">
              <p>No open request matches these filters.</p>
              {hasFilters(filters) ? (
                <button type="button" className="button" onClick={() => setParams({}, { replace: true })}>
                  Clear filters
                </button>
              ) : null}
            </div>
          ) : (
            <section className="card-grid" aria-label="Open requests">
              {shown.map((request) => (
                <RequestCard key={request.id} request={request} canAct={canAct} />
              ))}
            </section>
          )}
        </>
      )}
    </>
  );
}
