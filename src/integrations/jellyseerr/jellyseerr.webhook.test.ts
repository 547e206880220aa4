import { describe, expect, it } from 'vitest';
import type { ObservationFact } from '../../domain/observations.js';
import { radarrGrab } from '../radarr/radarr.fake.js';
import {
  clone,
  context,
  expectError,
  expectOne,
  loadCapture,
  RECEIVED_AT,
} from '../shared/webhook.test-utils.js';
import {
  type JellyseerrMediaNotificationType,
  jellyseerrIssueCreated,
  jellyseerrNotification,
  jellyseerrTest,
} from './jellyseerr.fake.js';
import { parseJellyseerrWebhook as parse, splitSubject } from './jellyseerr.webhook.js';

const tv = {
  type: 'MEDIA_APPROVED' as const,
  mediaType: 'tv' as const,
  tmdbId: 1396,
  tvdbId: 81189,
  requestId: 12,
  title: 'Breaking Bad',
  year: 2008,
};
const movie = {
  type: 'MEDIA_PENDING' as const,
  mediaType: 'movie' as const,
  tmdbId: 603,
  requestId: 5,
  title: 'The Matrix',
  year: 1999,
};

describe('Jellyseerr webhook: captures', () => {
  it('parses the movie auto-approved capture', () => {
    const obs = expectOne(parse(loadCapture('jellyseerr-movie-auto-approved'), context));
    expect(obs).toEqual({
      kind: 'approved',
      automatic: true,
      source: 'jellyseerr',
      at: RECEIVED_AT,
      jellyseerrRequestId: 69,
      requestedBy: 'adept',
      requestedSeasons: undefined,
      media: {
        mediaType: 'movie',
        tmdbId: 533514,
        tvdbId: undefined,
        title: 'Violet Evergarden: The Movie',
        year: 2020,
        posterUrl: 'https://image.tmdb.org/t/p/w600_and_h900_bestv2/A9R6bukzzRmOzxvDQsXdQpeNm8l.jpg',
      },
    });
  });

  it('parses the TV auto-approved capture with its requested seasons', () => {
    const obs = expectOne(parse(loadCapture('jellyseerr-tv-auto-approved'), context));
    expect(obs).toMatchObject({
      kind: 'approved',
      automatic: true,
      jellyseerrRequestId: 68,
      requestedBy: 'adept',
      requestedSeasons: [1],
      media: { mediaType: 'tv', tmdbId: 154494, tvdbId: 414057, title: 'Lycoris Recoil', year: 2022 },
    });
  });
});

describe('Jellyseerr webhook: notification types', () => {
  it.each<[JellyseerrMediaNotificationType, ObservationFact]>([
    ['MEDIA_PENDING', { kind: 'requested' }],
    ['MEDIA_AUTO_REQUESTED', { kind: 'requested' }],
    ['MEDIA_APPROVED', { kind: 'approved', automatic: false }],
    ['MEDIA_AUTO_APPROVED', { kind: 'approved', automatic: true }],
    ['MEDIA_DECLINED', { kind: 'declined' }],
    ['MEDIA_FAILED', { kind: 'request_failed' }],
    ['MEDIA_AVAILABLE', { kind: 'available_hint' }],
  ])('%s → %o', (type, fact) => {
    const result = parse(jellyseerrNotification({ ...tv, type, seasons: [1, 2] }), context);
    expect(result).toMatchObject({ ok: true, kind: 'event', eventType: type });
    const obs = expectOne(result);
    expect(obs).toEqual({
      ...fact,
      source: 'jellyseerr',
      at: RECEIVED_AT,
      jellyseerrRequestId: 12,
      requestedBy: 'alice',
      requestedSeasons: [1, 2],
      media: {
        mediaType: 'tv',
        tmdbId: 1396,
        tvdbId: 81189,
        title: 'Breaking Bad',
        year: 2008,
        posterUrl: 'https://image.tmdb.org/t/p/w600_and_h900_bestv2/poster-1396.jpg',
      },
    });
  });

  it('writes the event text the way Jellyseerr does', () => {
    expect(jellyseerrNotification({ ...tv, type: 'MEDIA_APPROVED' }).event).toBe('Series Request Approved');
    expect(jellyseerrNotification({ ...movie, type: 'MEDIA_AUTO_APPROVED' }).event).toBe(
      'Movie Request Automatically Approved',
    );
    expect(jellyseerrNotification({ ...movie, type: 'MEDIA_PENDING', is4k: true }).event).toBe(
      '4K New Movie Request',
    );
  });

  it('TEST_NOTIFICATION → test, though media and request are null', () => {
    expect(parse(jellyseerrTest(), context)).toEqual({
      ok: true,
      kind: 'test',
      eventType: 'TEST_NOTIFICATION',
    });
  });

  it.each([
    ['ISSUE_CREATED', jellyseerrIssueCreated({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix' })],
    [
      'ISSUE_COMMENT',
      {
        ...jellyseerrIssueCreated({ mediaType: 'tv', tmdbId: 1, title: 'x' }),
        notification_type: 'ISSUE_COMMENT',
      },
    ],
    ['ISSUE_RESOLVED', { notification_type: 'ISSUE_RESOLVED', media: null, request: null }],
    ['MEDIA_SOMETHING_NEW', { notification_type: 'MEDIA_SOMETHING_NEW' }],
  ])('%s → event without observations', (eventType, body) => {
    expect(parse(body, context)).toEqual({ ok: true, kind: 'event', eventType, observations: [] });
  });
});

describe('Jellyseerr webhook: values', () => {
  it('a movie has no tvdbId and no requested seasons', () => {
    const body = { ...jellyseerrNotification(movie), extra: [{ name: 'Requested Seasons', value: '1' }] };
    const obs = expectOne(parse(body, context));
    expect(obs.media.tvdbId).toBeUndefined();
    expect(obs.requestedSeasons).toBeUndefined();
    expect(obs).toMatchObject({
      kind: 'requested',
      jellyseerrRequestId: 5,
      media: { mediaType: 'movie', tmdbId: 603 },
    });
  });

  it.each([
    ['1,2', [1, 2]],
    ['1, 2', [1, 2]],
    ['3, 1, 3, 2', [1, 2, 3]],
    [' 0 ,1 ', [0, 1]],
    ['', undefined],
  ])('reads Requested Seasons %j', (value, seasons) => {
    const body = { ...jellyseerrNotification(tv), extra: [{ name: 'Requested Seasons', value }] };
    expect(expectOne(parse(body, context)).requestedSeasons).toEqual(seasons);
  });

  it('has no requested seasons when extra is empty, null or missing', () => {
    const body = jellyseerrNotification(tv);
    expect(expectOne(parse({ ...body, extra: [] }, context)).requestedSeasons).toBeUndefined();
    expect(expectOne(parse({ ...body, extra: null }, context)).requestedSeasons).toBeUndefined();
    const { extra: _extra, ...withoutExtra } = body;
    expect(expectOne(parse(withoutExtra, context)).requestedSeasons).toBeUndefined();
  });

  it('finds Requested Seasons among other extra items', () => {
    const body = {
      ...jellyseerrNotification(tv),
      extra: [
        { name: 'Something', value: 'x' },
        { name: 'Requested Seasons', value: '4' },
      ],
    };
    expect(expectOne(parse(body, context)).requestedSeasons).toEqual([4]);
  });

  it('treats an empty tvdbId as absent', () => {
    const obs = expectOne(parse(jellyseerrNotification({ ...tv, tvdbId: undefined }), context));
    expect(obs.media.tvdbId).toBeUndefined();
  });

  it('accepts numbers as JSON numbers too (edited templates)', () => {
    const body = jellyseerrNotification(tv);
    const edited = {
      ...body,
      media: { ...body.media, tmdbId: 1396, tvdbId: 81189 },
      request: { ...body.request, request_id: 12 },
    };
    expect(expectOne(parse(edited, context))).toMatchObject({
      jellyseerrRequestId: 12,
      media: { tmdbId: 1396, tvdbId: 81189 },
    });
  });

  it('falls back from username to email, and drops empty names', () => {
    const body = jellyseerrNotification(tv);
    const noName = { ...body, request: { ...body.request, requestedBy_username: '' } };
    expect(expectOne(parse(noName, context)).requestedBy).toBe('alice@example.com');
    const nobody = { ...body, request: { ...body.request, requestedBy_username: '', requestedBy_email: '' } };
    expect(expectOne(parse(nobody, context)).requestedBy).toBeUndefined();
  });

  it('treats an empty image as no poster', () => {
    expect(
      expectOne(parse(jellyseerrNotification({ ...movie, image: '' }), context)).media.posterUrl,
    ).toBeUndefined();
  });

  it('splits the subject into title and year', () => {
    expect(splitSubject('Violet Evergarden: The Movie (2020)')).toEqual({
      title: 'Violet Evergarden: The Movie',
      year: 2020,
    });
    expect(splitSubject('Blade Runner (The Final Cut) (1982)')).toEqual({
      title: 'Blade Runner (The Final Cut)',
      year: 1982,
    });
    expect(splitSubject('Untitled Project')).toEqual({ title: 'Untitled Project' });
    expect(splitSubject('1984')).toEqual({ title: '1984' });
    expect(splitSubject('')).toEqual({});
    expect(splitSubject(undefined)).toEqual({});
    const obs = expectOne(parse(jellyseerrNotification({ ...movie, year: undefined }), context));
    expect(obs.media).toMatchObject({ title: 'The Matrix', year: undefined });
  });

  it('is deterministic and does not change the body', () => {
    const body = jellyseerrNotification(tv);
    const before = clone(body);
    expect(parse(body, context)).toEqual(parse(body, context));
    expect(body).toEqual(before);
  });
});

describe('Jellyseerr webhook: rejections', () => {
  it('rejects non-objects', () => {
    expect(expectError(parse('MEDIA_PENDING', context))).toBe('body is not a JSON object');
  });

  it('rejects a body without notification_type, naming the service it looks like', () => {
    const body = radarrGrab({ movieId: 1, tmdbId: 2, title: 'x', year: 2000, downloadId: 'ABC' });
    expect(expectError(parse(body, context))).toBe(
      'not a Jellyseerr payload: notification_type missing (this looks like a Radarr payload)',
    );
    expect(expectError(parse({ notification_type: 4 }, context))).toContain(
      'notification_type is not a non-empty string',
    );
  });

  it('rejects a MEDIA_* notification whose media or request is null', () => {
    const body = jellyseerrNotification(tv);
    expect(expectError(parse({ ...body, media: null }, context))).toBe(
      'MEDIA_APPROVED: media: expected an object, got null',
    );
    expect(expectError(parse({ ...body, request: null }, context))).toBe(
      'MEDIA_APPROVED: request: expected an object, got null',
    );
  });

  it('rejects a non-numeric id, naming the field', () => {
    const body = jellyseerrNotification(tv);
    expect(expectError(parse({ ...body, media: { ...body.media, tmdbId: 'abc' } }, context))).toBe(
      'MEDIA_APPROVED: media.tmdbId: expected a number (or a string of digits), got "abc"',
    );
    expect(expectError(parse({ ...body, media: { ...body.media, tmdbId: '' } }, context))).toContain(
      'media.tmdbId: expected a number',
    );
    expect(expectError(parse({ ...body, media: { ...body.media, tvdbId: 'n/a' } }, context))).toContain(
      'media.tvdbId: expected a number',
    );
    expect(
      expectError(parse({ ...body, request: { ...body.request, request_id: '12a' } }, context)),
    ).toContain('request.request_id: expected a number');
  });

  it('rejects a missing request id and an unknown media type', () => {
    const body = jellyseerrNotification(tv);
    const { request_id: _id, ...request } = body.request;
    expect(expectError(parse({ ...body, request }, context))).toBe(
      'MEDIA_APPROVED: request.request_id: missing, expected a number',
    );
    expect(expectError(parse({ ...body, media: { ...body.media, media_type: 'music' } }, context))).toBe(
      'MEDIA_APPROVED: media.media_type: expected one of "movie", "tv", got "music"',
    );
  });

  it('rejects Requested Seasons that are not numbers', () => {
    const body = {
      ...jellyseerrNotification(tv),
      extra: [{ name: 'Requested Seasons', value: '1, Specials' }],
    };
    expect(expectError(parse(body, context))).toBe(
      'MEDIA_APPROVED: extra[0].value: expected season numbers like "1, 2", got "1, Specials"',
    );
  });
});
