import type { MediaRef, Observation, ObservationFact } from '../../domain/observations.js';
import type { JellyseerrMedia, JellyseerrRequest } from './jellyseerr.client.js';
import { splitSubject } from './jellyseerr.webhook.js';

/**
 * Jellyseerr backfill: a request read from the API (issue 5, requests created, approved or declined
 * while the tracker was down) → the observation the webhook would have produced for its current
 * status, with the same content, so the tracker's fingerprint (the observation without `at`) matches
 * a webhook it did receive. Only `at` differs: the request's `updatedAt` instead of the time of
 * receipt. Pure.
 *
 * What the webhook would have said (Seerr `entity/MediaRequest.ts`, `subscriber/MediaRequestSubscriber.ts`,
 * `subscriber/MediaSubscriber.ts`; Jellyseerr 2.x alike):
 * - pending → MEDIA_PENDING → `requested`.
 * - approved → MEDIA_AUTO_APPROVED or MEDIA_APPROVED → `approved`. Automatic when the request was
 *   approved as it was created: it has not changed since (`updatedAt` within a second of
 *   `createdAt`: both are set by the same INSERT, and a person cannot approve that fast), or the
 *   requester is the one who approved it (only users allowed to approve their own requests have
 *   them approved automatically). Approved while the media is already available: Jellyseerr sends
 *   MEDIA_AVAILABLE instead (and Jellyseerr 2.x, which has no COMPLETED, leaves approved requests
 *   approved when the media becomes available) → `available_hint`.
 * - declined → MEDIA_DECLINED → `declined`; failed → MEDIA_FAILED → `request_failed`.
 * - completed (Seerr: every requested season available or deleted) → MEDIA_AVAILABLE →
 *   `available_hint` when the media is available (a series also when partially available: the
 *   requested seasons are). Completed because the media was deleted: no notification, nothing.
 *
 * The media part is the webhook's: the subject `Title (Year)` read back with the webhook's own
 * `splitSubject`, the TMDB poster URL, the TMDB id, the TVDB id for a series only, and nothing more
 * (no IMDb, *arr or Jellyfin id: the webhook has none, and an extra key changes the fingerprint).
 */
export function observationsForRequest({
  request,
  media,
}: {
  request: JellyseerrRequest;
  /** The TMDB details of the request's title (`client.media`). */
  media: JellyseerrMedia;
}): Observation[] {
  if (media.type !== request.type || media.tmdbId !== request.tmdbId) {
    throw new Error(
      `${media.type} ${media.tmdbId} is not the title of request ${request.id} (${request.type} ${request.tmdbId})`,
    );
  }
  const fact = factFor(request);
  if (!fact) return [];
  return [
    {
      ...fact,
      source: 'jellyseerr',
      at: request.updatedAt,
      media: mediaRef({ request, media }),
      jellyseerrRequestId: request.id,
      requestedBy: request.requestedBy ?? undefined,
      requestedSeasons:
        request.type === 'tv' && request.seasons.length > 0 ? [...request.seasons] : undefined,
    },
  ];
}

/** A request approved within this many milliseconds of its creation was approved by Jellyseerr itself. */
const SAME_INSERT_MS = 1_000;

function factFor(request: JellyseerrRequest): ObservationFact | undefined {
  const available =
    request.mediaStatus === 'available' ||
    (request.type === 'tv' &&
      request.status === 'completed' &&
      request.mediaStatus === 'partially_available');
  switch (request.status) {
    case 'pending':
      return { kind: 'requested' };
    case 'approved':
      return available
        ? { kind: 'available_hint' }
        : { kind: 'approved', automatic: approvedAutomatically(request) };
    case 'declined':
      return { kind: 'declined' };
    case 'failed':
      return { kind: 'request_failed' };
    case 'completed':
      return available ? { kind: 'available_hint' } : undefined;
  }
}

function approvedAutomatically(request: JellyseerrRequest): boolean {
  const unchanged = Math.abs(Date.parse(request.updatedAt) - Date.parse(request.createdAt)) < SAME_INSERT_MS;
  return unchanged || request.modifiedById === request.requestedById;
}

function mediaRef({ request, media }: { request: JellyseerrRequest; media: JellyseerrMedia }): MediaRef {
  // The webhook's subject is `${title} (${year})`, or the title alone without a release date.
  const subject =
    media.title === null ? undefined : media.year === null ? media.title : `${media.title} (${media.year})`;
  const { title, year } = splitSubject(subject);
  return {
    mediaType: request.type,
    tmdbId: request.tmdbId,
    tvdbId: request.type === 'tv' ? (request.tvdbId ?? undefined) : undefined,
    title,
    year,
    posterUrl: media.posterUrl ?? undefined,
  };
}
