import { Link, useParams } from 'react-router';
import { isApiError } from '../api/api';
import { useRequestDetail } from '../api/requests.queries';
import { useServices } from '../api/services.queries';
import { useIsAdmin } from '../api/session.queries';
import type { RequestDetail } from '../api/types';
import { episodeCountWords, sourceLabel, stateLabel } from '../format/labels';
import { ErrorNotice, Loading } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { StateBadge } from '../ui/StateBadge';
import { usePageTitle } from '../ui/usePageTitle';
import { DownloadList } from './DownloadList';
import { EpisodeSeasons } from './EpisodeSeasons';
import { Poster } from './Poster';
import { ProblemBanner } from './ProblemBanner';
import { RequestTags } from './RequestTags';
import { publicLinks, serviceLinks } from './request-links';
import { Timeline } from './Timeline';
import { TransferProgress } from './TransferProgress';

/** `/requests/:id`: everything the tracker knows about one request. */
export function RequestDetailPage() {
  const { id = '' } = useParams();
  const detail = useRequestDetail(id);
  usePageTitle(detail.data?.title ?? 'Request');
  if (detail.isPending) return <Loading />;
  if (detail.isError) {
    if (isApiError(detail.error) && detail.error.status === 404) {
      return (
        <div className="empty">
          <h1>Request not found</h1>
          <p>
            The tracker does not know this request (any more). <Link to="/">Back to the board</Link>
          </p>
        </div>
      );
    }
    return <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />;
  }
  return <RequestDetailView request={detail.data} />;
}

function RequestDetailView({ request }: { request: RequestDetail }) {
  const isAdmin = useIsAdmin();
  const services = useServices({ enabled: isAdmin });
  const state = stateLabel(request.state);
  const links = [...serviceLinks(request, services.data ?? []), ...publicLinks(request)];
  const episodeWords = request.mediaType === 'tv' ? episodeCountWords(request.episodeCounts) : '';
  return (
    <article className="detail" aria-labelledby="detail-title">
      <p className="back">
        <Link to="/">← Board</Link>
      </p>
      <header className="detail-header">
        <Poster url={request.posterUrl} title={request.title} size="large" />
        <div className="detail-summary">
          <h1 id="detail-title">
            {request.title}
            {request.year !== null ? <span className="year"> ({request.year})</span> : null}
          </h1>
          <RequestTags request={request} note="seasons" />
          <StateBadge label={state.label} tone={state.tone} hint={state.hint} />
          <TransferProgress request={request} />
          {episodeWords ? <p className="episode-counts">{episodeWords}</p> : null}
          <dl className="facts">
            <div>
              <dt>Requested by</dt>
              <dd>{request.requestedBy ?? 'unknown'}</dd>
            </div>
            <div>
              <dt>Came from</dt>
              <dd>{sourceLabel(request.source)}</dd>
            </div>
            <div>
              <dt>Tracked since</dt>
              <dd>
                <RelativeTime iso={request.createdAt} />
              </dd>
            </div>
            <div>
              <dt>Last change</dt>
              <dd>
                <RelativeTime iso={request.updatedAt} />
              </dd>
            </div>
          </dl>
          {links.length > 0 ? (
            <nav className="links" aria-label="Open elsewhere">
              <ul>
                {links.map((link) => (
                  <li key={link.href}>
                    <a href={link.href} target="_blank" rel="noreferrer">
                      {link.label}
                      <span className="visually-hidden"> (opens in a new tab)</span>
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </div>
      </header>
      {request.problem ? (
        <ProblemBanner requestId={request.id} problem={request.problem} canAct={isAdmin} />
      ) : null}
      {request.mediaType === 'tv' ? (
        <section className="detail-section" aria-labelledby="episodes-title">
          <h2 id="episodes-title">Episodes</h2>
          <EpisodeSeasons episodes={request.episodes} />
        </section>
      ) : null}
      <section className="detail-section" aria-labelledby="downloads-title">
        <h2 id="downloads-title">Downloads</h2>
        <DownloadList downloads={request.downloads} />
      </section>
      <section className="detail-section" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Timeline entries={request.timeline} showRaw={isAdmin} />
      </section>
    </article>
  );
}
