/**
 * Jellyseerr webhook body builders for tests.
 *
 * Shape: the default JSON template of Jellyseerr 2.x (`3b4d6bf5`) and Seerr (`f74306ed`), byte-identical
 * in both (shared/contracts/seerr/default-webhook-template.json), rendered as described in
 * design/contracts.md §3.1: every substituted value is a string, missing values are `""`,
 * `media`/`request`/`issue`/`comment` are `null` when the notification has no such entity, `extra` is
 * `[]` or `[{"name":"Requested Seasons","value":"1, 2"}]` for TV. `event` texts use "Movie"/"Series".
 */

export type JellyseerrMediaNotificationType =
  | 'MEDIA_PENDING'
  | 'MEDIA_APPROVED'
  | 'MEDIA_AUTO_APPROVED'
  | 'MEDIA_AUTO_REQUESTED'
  | 'MEDIA_DECLINED'
  | 'MEDIA_FAILED'
  | 'MEDIA_AVAILABLE';

/** `event` text per type; `<T>` is `Movie` or `Series`. */
const EVENT_TEXT: Record<JellyseerrMediaNotificationType, (t: string) => string> = {
  MEDIA_PENDING: (t) => `New ${t} Request`,
  MEDIA_APPROVED: (t) => `${t} Request Approved`,
  MEDIA_AUTO_APPROVED: (t) => `${t} Request Automatically Approved`,
  MEDIA_AUTO_REQUESTED: (t) => `${t} Request Automatically Submitted`,
  MEDIA_DECLINED: (t) => `${t} Request Declined`,
  MEDIA_FAILED: (t) => `${t} Request Failed`,
  MEDIA_AVAILABLE: (t) => `${t} Request Now Available`,
};

/** `media.status` Jellyseerr has at the time it sends each type (captures show PENDING on approval). */
const MEDIA_STATUS: Record<JellyseerrMediaNotificationType, string> = {
  MEDIA_PENDING: 'PENDING',
  MEDIA_APPROVED: 'PENDING',
  MEDIA_AUTO_APPROVED: 'PENDING',
  MEDIA_AUTO_REQUESTED: 'PENDING',
  MEDIA_DECLINED: 'UNKNOWN',
  MEDIA_FAILED: 'PENDING',
  MEDIA_AVAILABLE: 'AVAILABLE',
};

export interface JellyseerrFakeNotification {
  type: JellyseerrMediaNotificationType;
  mediaType: 'movie' | 'tv';
  tmdbId: number;
  /** TV only; rendered `""` when absent (and always for movies). */
  tvdbId?: number;
  requestId: number;
  title: string;
  /** Rendered into `subject` as `Title (Year)`; omitted from the subject when absent. */
  year?: number;
  /** Requester display name (`requestedBy_username`). Default `alice`. */
  requestedBy?: string;
  /** Requester email. Default `<requestedBy>@example.com`. */
  email?: string;
  /** TV only: "Requested Seasons", joined with ", ". Default `[1]` for TV. */
  seasons?: number[];
  /** Poster URL. Default a TMDB URL derived from the tmdb id. */
  image?: string;
  /** Prefix the event text with `4K `. */
  is4k?: boolean;
}

/** A `MEDIA_*` notification in the default template shape. */
export function jellyseerrNotification(input: JellyseerrFakeNotification) {
  const kind = input.mediaType === 'movie' ? 'Movie' : 'Series';
  const requestedBy = input.requestedBy ?? 'alice';
  const seasons = input.mediaType === 'tv' ? (input.seasons ?? [1]) : [];
  return {
    notification_type: input.type,
    event: `${input.is4k ? '4K ' : ''}${EVENT_TEXT[input.type](kind)}`,
    subject: input.year === undefined ? input.title : `${input.title} (${input.year})`,
    message: `Overview of ${input.title}.`,
    image: input.image ?? `https://image.tmdb.org/t/p/w600_and_h900_bestv2/poster-${input.tmdbId}.jpg`,
    media: {
      media_type: input.mediaType,
      tmdbId: String(input.tmdbId),
      tvdbId: input.mediaType === 'tv' && input.tvdbId !== undefined ? String(input.tvdbId) : '',
      status: MEDIA_STATUS[input.type],
      status4k: 'UNKNOWN',
    },
    request: {
      request_id: String(input.requestId),
      requestedBy_email: input.email ?? `${requestedBy}@example.com`,
      requestedBy_username: requestedBy,
      requestedBy_avatar: '/avatarproxy/0123456789abcdef',
      requestedBy_settings_discordId: '',
      requestedBy_settings_telegramChatId: '',
    },
    issue: null,
    comment: null,
    extra: seasons.length > 0 ? [{ name: 'Requested Seasons', value: seasons.join(', ') }] : [],
  };
}

/** An `ISSUE_CREATED` notification (recorded, not used): `request` is null, `issue` is set. */
export function jellyseerrIssueCreated(input: { mediaType: 'movie' | 'tv'; tmdbId: number; title: string }) {
  return {
    notification_type: 'ISSUE_CREATED',
    event: `New Video Issue Reported`,
    subject: input.title,
    message: 'The audio is out of sync.',
    image: '',
    media: {
      media_type: input.mediaType,
      tmdbId: String(input.tmdbId),
      tvdbId: '',
      status: 'AVAILABLE',
      status4k: 'UNKNOWN',
    },
    request: null,
    issue: {
      issue_id: '7',
      issue_type: 'VIDEO',
      issue_status: 'OPEN',
      reportedBy_email: 'alice@example.com',
      reportedBy_username: 'alice',
      reportedBy_avatar: '/avatarproxy/0123456789abcdef',
      reportedBy_settings_discordId: '',
      reportedBy_settings_telegramChatId: '',
    },
    comment: null,
    extra: [],
  };
}

/** The "Test" button (contracts.md §3.1 TEST payload). */
export function jellyseerrTest() {
  return {
    notification_type: 'TEST_NOTIFICATION',
    event: '',
    subject: 'Test Notification',
    message: 'Check check, 1, 2, 3. Are we coming in clear?',
    image: '',
    media: null,
    request: null,
    issue: null,
    comment: null,
    extra: [],
  };
}
