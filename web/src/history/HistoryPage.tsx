import { Link, useSearchParams } from 'react-router';
import { useRequestList } from '../api/requests.queries';
import { FINISHED_STATES, type ListParams, type RequestSummary, type State } from '../api/types';
import { stateLabel } from '../format/labels';
import { Poster } from '../request/Poster';
import { RequestTags } from '../request/RequestTags';
import { requestPath } from '../request/request-links';
import { Pager } from '../ui/Pager';
import { ErrorNotice, Loading } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { type FilterValues, MEDIA_TYPES, RequestFilters } from '../ui/RequestFilters';
import { StateBadge } from '../ui/StateBadge';
import { useDebouncedValue } from '../ui/useDebouncedValue';
import { usePageTitle } from '../ui/usePageTitle';

const PAGE_SIZE = 25;

function readParams(search: URLSearchParams) {
  const state = search.get('state') ?? '';
  const type = search.get('type') ?? '';
  const page = Number.parseInt(search.get('page') ?? '1', 10);
  return {
    q: search.get('q') ?? '',
    state: (FINISHED_STATES as readonly string[]).includes(state) ? state : '',
    type: type === 'movie' || type === 'tv' ? type : '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** `/history`: finished requests (available, declined, removed), newest first, searched on the server. */
export function HistoryPage() {
  usePageTitle('History');
  const [search, setSearch] = useSearchParams();
  const current = readParams(search);
  const q = useDebouncedValue(current.q.trim());
  const params: ListParams = {
    active: false,
    limit: PAGE_SIZE,
    offset: (current.page - 1) * PAGE_SIZE,
    ...(q ? { q } : {}),
    ...(current.state ? { state: current.state as State } : {}),
    ...(current.type ? { mediaType: current.type as 'movie' | 'tv' } : {}),
  };
  const list = useRequestList(params);

  const update = (next: Partial<FilterValues> & { page?: number }) => {
    const merged = { ...current, ...next };
    const out = new URLSearchParams();
    if (merged.q) out.set('q', merged.q);
    if (merged.state) out.set('state', merged.state);
    if (merged.type) out.set('type', merged.type);
    // A new filter starts at the first page.
    const page = next.page ?? 1;
    if (page > 1) out.set('page', String(page));
    setSearch(out, { replace: next.page === undefined });
  };

  return (
    <>
      <header className="page-header">
        <h1>History</h1>
        <p className="page-summary">
          {list.data ? `${list.data.total} finished ${list.data.total === 1 ? 'request' : 'requests'}` : ' '}
        </p>
      </header>
      <RequestFilters
        label="Filter the history"
        values={{ q: current.q, state: current.state, type: current.type }}
        onChange={(values) => update({ q: values.q, state: values.state, type: values.type })}
        states={FINISHED_STATES}
        // The API filters by media type; anime is a property of the request, not a type it can filter on.
        types={MEDIA_TYPES}
      />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.items.length === 0 ? (
        <div className="empty">
          <p>
            {params.offset > 0
              ? 'This page is empty.'
              : q || current.state || current.type
                ? 'No finished request matches these filters.'
                : 'Nothing has finished yet. Requests move here once they are available, declined or removed.'}
          </p>
          {params.offset > 0 ? (
            <button type="button" className="button" onClick={() => update({ page: 1 })}>
              Go to the first page
            </button>
          ) : null}
        </div>
      ) : (
        <>
          <ul className="history-list" aria-busy={list.isPlaceholderData}>
            {list.data.items.map((request) => (
              <HistoryRow key={request.id} request={request} />
            ))}
          </ul>
          <Pager
            offset={params.offset}
            limit={PAGE_SIZE}
            total={list.data.total}
            onOffset={(offset) => update({ page: Math.floor(offset / PAGE_SIZE) + 1 })}
          />
        </>
      )}
    </>
  );
}

function HistoryRow({ request }: { request: RequestSummary }) {
  const state = stateLabel(request.state);
  return (
    <li className="history-row">
      <Poster url={request.posterUrl} title={request.title} size="card" />
      <div className="history-main">
        <p className="history-title">
          <Link to={requestPath(request.id)}>{request.title}</Link>
          {request.year !== null ? <span className="year"> ({request.year})</span> : null}
        </p>
        <RequestTags request={request} note="requester" />
      </div>
      <div className="history-state">
        <StateBadge label={state.label} tone={state.tone} />
        <RelativeTime iso={request.updatedAt} />
      </div>
    </li>
  );
}
