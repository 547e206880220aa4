import { useId } from 'react';
import { Link } from 'react-router';
import type { RequestSummary } from '../api/types';
import { episodeCountWords, stateLabel } from '../format/labels';
import { ProgressBar } from '../ui/ProgressBar';
import { RelativeTime } from '../ui/RelativeTime';
import { StateBadge, Tag } from '../ui/StateBadge';
import { Poster } from './Poster';
import { ProblemBanner } from './ProblemBanner';
import { transferWords } from './transfer-words';

/** One request on the board: an `article` named by its title, with its progress and its problem. */
export function RequestCard({ request, canAct }: { request: RequestSummary; canAct: boolean }) {
  const titleId = useId();
  const state = stateLabel(request.state);
  const episodes = request.mediaType === 'tv' ? episodeCountWords(request.episodeCounts) : '';
  const transfer = transferWords(request);
  const to = `/requests/${encodeURIComponent(request.id)}`;
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
        <p className="tags">
          <Tag kind="type">{request.mediaType === 'movie' ? 'Movie' : 'TV'}</Tag>
          {request.isAnime ? <Tag kind="anime">Anime</Tag> : null}
          {request.requestedBy ? <span className="requester">Requested by {request.requestedBy}</span> : null}
        </p>
        <StateBadge label={state.label} tone={state.tone} hint={state.hint} />
        {request.progress !== null ? (
          <div className="transfer">
            <ProgressBar value={request.progress} label={`Download progress of ${request.title}`} />
            <p className="transfer-words">{transfer}</p>
          </div>
        ) : transfer ? (
          <p className="transfer-words">{transfer}</p>
        ) : null}
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
