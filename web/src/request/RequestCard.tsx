import { useId } from 'react';
import { Link } from 'react-router';
import type { RequestSummary } from '../api/types';
import { episodeCountWords, stateLabel } from '../format/labels';
import { RelativeTime } from '../ui/RelativeTime';
import { StateBadge } from '../ui/StateBadge';
import { Poster } from './Poster';
import { ProblemBanner } from './ProblemBanner';
import { RequestTags } from './RequestTags';
import { requestPath } from './request-links';
import { TransferProgress } from './TransferProgress';

/** One request on the board: an `article` named by its title, with its progress and its problem. */
export function RequestCard({ request, canAct }: { request: RequestSummary; canAct: boolean }) {
  const titleId = useId();
  const state = stateLabel(request.state);
  const episodes = request.mediaType === 'tv' ? episodeCountWords(request.episodeCounts) : '';
  const to = requestPath(request.id);
  return (
    <article
      className={`card request-card${request.problem ? ' has-problem' : ''}`}
      aria-labelledby={titleId}
    >
      <Link to={to} className="request-card-poster" tabIndex={-1} aria-hidden="true">
        <Poster url={request.posterUrl} title={request.title} />
      </Link>
      <div className="request-card-body">
        <h3 className="request-card-title">
          <Link to={to} id={titleId}>
            {request.title}
          </Link>
          {request.year !== null ? <span className="year"> ({request.year})</span> : null}
        </h3>
        <RequestTags request={request} note="requester" />
        <StateBadge label={state.label} tone={state.tone} hint={state.hint} />
        <TransferProgress request={request} />
        {episodes ? <p className="episode-counts">{episodes}</p> : null}
        <p className="updated">
          <RelativeTime iso={request.updatedAt} prefix="Updated" />
        </p>
        {request.problem ? (
          <ProblemBanner requestId={request.id} problem={request.problem} canAct={canAct} />
        ) : null}
      </div>
    </article>
  );
}
