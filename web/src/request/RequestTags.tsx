import type { RequestSummary } from '../api/types';
import { Tag } from '../ui/StateBadge';

/** Movie or TV (and anime) as tags, then who asked or, where the requester is shown elsewhere, which seasons. */
export function RequestTags({ request, note }: { request: RequestSummary; note: 'requester' | 'seasons' }) {
  const seasons = request.requestedSeasons;
  const text =
    note === 'requester'
      ? request.requestedBy && `Requested by ${request.requestedBy}`
      : seasons.length > 0 && `${seasons.length === 1 ? 'Season' : 'Seasons'} ${seasons.join(', ')}`;
  return (
    <p className="tags">
      <Tag kind="type">{request.mediaType === 'movie' ? 'Movie' : 'TV'}</Tag>
      {request.isAnime ? <Tag kind="anime">Anime</Tag> : null}
      {text ? <span className="requester">{text}</span> : null}
    </p>
  );
}
