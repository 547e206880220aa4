import { Link } from 'react-router';
import { useBoard } from '../api/requests.queries';
import { useIsAdmin } from '../api/session.queries';
import { RequestCard } from '../request/RequestCard';
import { ErrorNotice, Loading } from '../ui/QueryState';
import { usePageTitle } from '../ui/usePageTitle';

/**
 * `/problems`: every open request with a problem, longest-stuck first. Problems belong to open
 * requests only, so this reads the board's query (kept live by the event stream).
 */
export function ProblemsPage() {
  usePageTitle('Problems');
  const board = useBoard();
  const canAct = useIsAdmin();
  if (board.isPending) return <Loading />;
  if (board.isError) return <ErrorNotice error={board.error} onRetry={() => void board.refetch()} />;
  const stuck = board.data.items
    .filter((item) => item.problem)
    .sort((a, b) => (a.problem?.since ?? '').localeCompare(b.problem?.since ?? ''));
  return (
    <>
      <header className="page-header">
        <h1>Problems</h1>
        <p className="page-summary">
          {stuck.length === 0
            ? 'Nothing is stuck.'
            : `${stuck.length} ${stuck.length === 1 ? 'request needs' : 'requests need'} attention, longest-stuck first.`}
        </p>
      </header>
      {stuck.length === 0 ? (
        <div className="empty">
          <p>
            Every open request is moving. When one gets stuck (no release, a stalled download, an import that
            does not happen) it shows up here with what may fix it. <Link to="/">Back to the board</Link>
          </p>
        </div>
      ) : (
        <section className="card-grid" aria-label="Requests with a problem">
          {stuck.map((request) => (
            <RequestCard key={request.id} request={request} canAct={canAct} />
          ))}
        </section>
      )}
    </>
  );
}
