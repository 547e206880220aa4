import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_RESILIENCE } from '../../../test/support/test-app.js';
import type { Observation } from '../../domain/observations.js';
import { stableJson } from '../../domain/stable-json.js';
import { context, expectOne } from '../shared/webhook.test-utils.js';
import { observationsForRequest } from './jellyseerr.backfill.js';
import {
  createJellyseerrClient,
  type JellyseerrMedia,
  type JellyseerrRequest,
  TMDB_POSTER_BASE,
} from './jellyseerr.client.js';
import { type JellyseerrFakeNotification, jellyseerrNotification } from './jellyseerr.fake.js';
import { parseJellyseerrWebhook } from './jellyseerr.webhook.js';
import {
  type JellyseerrApiFake,
  type JellyseerrFakeRequest,
  type JellyseerrFakeUser,
  startJellyseerrApiFake,
} from './jellyseerr-api.fake.js';

/**
 * A request the tracker saw by webhook and again by backfill must give the same observation content:
 * the tracker fingerprints an observation without its `at` (tracker.ts `applyOne`). Each case sets
 * up a request in the API fake, reads it with the client, and compares the backfill's observation
 * with what the webhook parser makes of the notification Jellyseerr sent for that status.
 */

let fake: JellyseerrApiFake;
let alice: JellyseerrFakeUser;

beforeEach(async () => {
  fake = await startJellyseerrApiFake({ now: () => new Date('2026-03-01T12:00:00.000Z') });
  alice = fake.addUser({ username: 'alice' });
});
afterEach(async () => {
  await fake.close();
});

const at = (minutes: number) =>
  new Date(Date.parse('2026-03-01T10:00:00.000Z') + minutes * 60_000).toISOString();

/** What the tracker stores as the observation's identity (tracker.ts `applyOne`). */
function fingerprint(observation: Observation): string {
  const { at: _at, ...timeless } = observation;
  return createHash('sha256').update(stableJson(timeless)).digest('hex');
}

async function readBack(
  request: JellyseerrFakeRequest,
): Promise<{ request: JellyseerrRequest; media: JellyseerrMedia }> {
  const client = createJellyseerrClient({ url: fake.url, apiKey: fake.apiKey, resilience: TEST_RESILIENCE });
  const read = await client.request(request.id);
  if (!read) throw new Error(`request ${request.id} not found`);
  return { request: read, media: await client.media({ tmdbId: read.tmdbId, type: read.type }) };
}

async function backfilled(request: JellyseerrFakeRequest): Promise<Observation[]> {
  return observationsForRequest(await readBack(request));
}

const matrix = {
  mediaType: 'movie' as const,
  tmdbId: 603,
  imdbId: 'tt0133093',
  title: 'The Matrix',
  year: 1999,
};
const breakingBad = {
  mediaType: 'tv' as const,
  tmdbId: 1396,
  tvdbId: 81189,
  imdbId: 'tt0903747',
  title: 'Breaking Bad',
  year: 2008,
};

interface Case {
  name: string;
  /** Sets up the request in the fake; the clock is 12:00, requests are created at 10:00 unless said. */
  arrange: () => JellyseerrFakeRequest;
  /** The notification Jellyseerr sent for that status (`requestId` is filled in). */
  webhook: Omit<JellyseerrFakeNotification, 'requestId'>;
}

const CASES: Case[] = [
  {
    name: 'movie pending → MEDIA_PENDING',
    arrange: () => fake.addRequest({ ...matrix, requestedBy: alice.id, createdAt: at(0) }),
    webhook: { ...matrix, type: 'MEDIA_PENDING' },
  },
  {
    name: 'series pending, seasons in request order → MEDIA_PENDING with sorted seasons',
    arrange: () =>
      fake.addRequest({ ...breakingBad, seasons: [3, 1], requestedBy: alice.id, createdAt: at(0) }),
    webhook: { ...breakingBad, type: 'MEDIA_PENDING', seasons: [3, 1] },
  },
  {
    name: 'movie approved by an admin later → MEDIA_APPROVED',
    arrange: () => {
      const request = fake.addRequest({ ...matrix, requestedBy: alice.id, createdAt: at(0) });
      return fake.updateRequest(request.id, { status: 'approved', modifiedBy: 1, updatedAt: at(25) });
    },
    webhook: { ...matrix, type: 'MEDIA_APPROVED' },
  },
  {
    name: 'movie approved as it was created, by its requester → MEDIA_AUTO_APPROVED',
    arrange: () =>
      fake.addRequest({ ...matrix, status: 'approved', requestedBy: alice.id, createdAt: at(0) }),
    webhook: { ...matrix, type: 'MEDIA_AUTO_APPROVED' },
  },
  {
    name: 'series requested by an admin for alice, approved on creation → MEDIA_AUTO_APPROVED',
    arrange: () =>
      fake.addRequest({
        ...breakingBad,
        status: 'approved',
        requestedBy: alice.id,
        modifiedBy: 1,
        createdAt: at(0),
      }),
    webhook: { ...breakingBad, type: 'MEDIA_AUTO_APPROVED' },
  },
  {
    name: 'approved by its requester, changed since (a retry) → MEDIA_AUTO_APPROVED, the first approval',
    arrange: () => {
      const request = fake.addRequest({ ...matrix, status: 'approved', requestedBy: 1, createdAt: at(0) });
      fake.updateRequest(request.id, { status: 'failed', updatedAt: at(1) });
      return fake.updateRequest(request.id, { status: 'approved', modifiedBy: 1, updatedAt: at(30) });
    },
    webhook: { ...matrix, type: 'MEDIA_AUTO_APPROVED', requestedBy: 'admin' },
  },
  {
    name: '4K movie approved by an admin → MEDIA_APPROVED (4K)',
    arrange: () => {
      const request = fake.addRequest({ ...matrix, is4k: true, requestedBy: alice.id, createdAt: at(0) });
      return fake.updateRequest(request.id, { status: 'approved', modifiedBy: 1, updatedAt: at(5) });
    },
    webhook: { ...matrix, type: 'MEDIA_APPROVED', is4k: true },
  },
  {
    name: 'movie declined → MEDIA_DECLINED',
    arrange: () => {
      const request = fake.addRequest({ ...matrix, requestedBy: alice.id, createdAt: at(0) });
      return fake.updateRequest(request.id, { status: 'declined', modifiedBy: 1, updatedAt: at(3) });
    },
    webhook: { ...matrix, type: 'MEDIA_DECLINED' },
  },
  {
    name: 'series failed → MEDIA_FAILED',
    arrange: () => {
      const request = fake.addRequest({
        ...breakingBad,
        status: 'approved',
        requestedBy: alice.id,
        createdAt: at(0),
      });
      return fake.updateRequest(request.id, { status: 'failed', updatedAt: at(0.1) });
    },
    webhook: { ...breakingBad, type: 'MEDIA_FAILED' },
  },
  {
    name: 'movie completed, available → MEDIA_AVAILABLE',
    arrange: () => {
      const request = fake.addRequest({
        ...matrix,
        status: 'approved',
        requestedBy: alice.id,
        createdAt: at(0),
      });
      fake.updateMedia({ mediaType: 'movie', tmdbId: 603 }, { status: 'available', updatedAt: at(90) });
      return fake.updateRequest(request.id, { status: 'completed', updatedAt: at(90) });
    },
    webhook: { ...matrix, type: 'MEDIA_AVAILABLE' },
  },
  {
    name: 'series approved, media available (Jellyseerr 2.x has no COMPLETED) → MEDIA_AVAILABLE',
    arrange: () => {
      const request = fake.addRequest({
        ...breakingBad,
        seasons: [1, 2],
        status: 'approved',
        requestedBy: alice.id,
      });
      fake.updateMedia({ mediaType: 'tv', tmdbId: 1396 }, { status: 'available' });
      return request;
    },
    webhook: { ...breakingBad, type: 'MEDIA_AVAILABLE', seasons: [1, 2] },
  },
  {
    name: 'series completed, partially available (the requested seasons are) → MEDIA_AVAILABLE',
    arrange: () =>
      fake.addRequest({
        ...breakingBad,
        seasons: [1],
        status: 'completed',
        mediaStatus: 'partially_available',
        requestedBy: alice.id,
      }),
    webhook: { ...breakingBad, type: 'MEDIA_AVAILABLE', seasons: [1] },
  },
  {
    name: 'movie without a release date: the title alone',
    arrange: () =>
      fake.addRequest({
        ...matrix,
        tmdbId: 999,
        title: 'Untitled Project',
        year: undefined,
        requestedBy: alice.id,
      }),
    webhook: { ...matrix, tmdbId: 999, title: 'Untitled Project', year: undefined, type: 'MEDIA_PENDING' },
  },
  {
    name: 'a title with its own parentheses and a year',
    arrange: () =>
      fake.addRequest({
        mediaType: 'movie',
        tmdbId: 78,
        title: 'Blade Runner (The Final Cut)',
        year: 1982,
        requestedBy: alice.id,
      }),
    webhook: {
      mediaType: 'movie',
      tmdbId: 78,
      title: 'Blade Runner (The Final Cut)',
      year: 1982,
      type: 'MEDIA_PENDING',
    },
  },
  {
    name: 'a series without a TVDB id, whose name is a year',
    arrange: () => fake.addRequest({ mediaType: 'tv', tmdbId: 4242, title: '1984', requestedBy: alice.id }),
    webhook: { mediaType: 'tv', tmdbId: 4242, title: '1984', type: 'MEDIA_PENDING' },
  },
];

describe('backfill observations equal the webhook`s', () => {
  it.each(CASES)('$name', async ({ arrange, webhook }) => {
    const request = arrange();
    const fromApi = await backfilled(request);
    const fromWebhook = expectOne(
      parseJellyseerrWebhook(jellyseerrNotification({ ...webhook, requestId: request.id }), context),
    );
    expect(fromApi).toHaveLength(1);
    const [observation] = fromApi as [Observation];
    const { at: apiAt, ...apiContent } = observation;
    const { at: _hookAt, ...hookContent } = fromWebhook;
    expect(apiContent).toEqual(hookContent);
    expect(stableJson(apiContent)).toBe(stableJson(hookContent));
    expect(fingerprint(observation)).toBe(fingerprint(fromWebhook));
    expect(apiAt).toBe(request.updatedAt);
  });

  it('covers every notification the webhook turns into an observation', () => {
    const types = new Set(CASES.map((c) => c.webhook.type));
    // MEDIA_AUTO_REQUESTED never reaches the webhook (contracts.md §3.1).
    expect([...types].sort()).toEqual(
      [
        'MEDIA_APPROVED',
        'MEDIA_AUTO_APPROVED',
        'MEDIA_AVAILABLE',
        'MEDIA_DECLINED',
        'MEDIA_FAILED',
        'MEDIA_PENDING',
      ].sort(),
    );
  });
});

describe('backfill: other outcomes', () => {
  it('says nothing for a request completed because its media was deleted (nor does the webhook)', async () => {
    const request = fake.addRequest({
      ...matrix,
      status: 'completed',
      mediaStatus: 'deleted',
      requestedBy: alice.id,
    });
    expect(await backfilled(request)).toEqual([]);
  });

  it('a pending request stays `requested` whatever the media status', async () => {
    const request = fake.addRequest({ ...matrix, mediaStatus: 'available', requestedBy: alice.id });
    expect((await backfilled(request)).map((o) => o.kind)).toEqual(['requested']);
  });

  it('reads availability in the request`s quality', async () => {
    fake.addRequest({ ...matrix, status: 'completed', requestedBy: alice.id });
    const uhd = fake.addRequest({ ...matrix, status: 'approved', is4k: true, requestedBy: alice.id });
    expect(await backfilled(uhd)).toMatchObject([{ kind: 'approved', automatic: true }]);
  });

  it('carries the request`s identity and no id the webhook lacks', async () => {
    const request = fake.addRequest({
      ...breakingBad,
      imdbId: 'tt0903747',
      seasons: [2],
      status: 'approved',
      requestedBy: alice.id,
    });
    fake.updateMedia(
      { mediaType: 'tv', tmdbId: 1396 },
      { externalServiceId: 12, jellyfinMediaId: 'b'.repeat(32) },
    );
    expect(await backfilled(request)).toEqual([
      {
        kind: 'approved',
        automatic: true,
        source: 'jellyseerr',
        at: request.updatedAt,
        jellyseerrRequestId: request.id,
        requestedBy: 'alice',
        requestedSeasons: [2],
        media: {
          mediaType: 'tv',
          tmdbId: 1396,
          tvdbId: 81189,
          title: 'Breaking Bad',
          year: 2008,
          posterUrl: `${TMDB_POSTER_BASE}/poster-1396.jpg`,
        },
      },
    ]);
  });

  it('has no poster when TMDB has none, where the webhook would say ".../bestv2null"', async () => {
    fake.addTitle({ mediaType: 'movie', tmdbId: 603, title: 'The Matrix', year: 1999, posterPath: null });
    const request = fake.addRequest({ ...matrix, requestedBy: alice.id });
    const [observation] = await backfilled(request);
    expect(observation?.media.posterUrl).toBeUndefined();
    // Jellyseerr builds the image as `${base}${poster_path}`: the webhook's poster is the text "null".
    const hook = expectOne(
      parseJellyseerrWebhook(
        jellyseerrNotification({
          ...matrix,
          type: 'MEDIA_PENDING',
          requestId: request.id,
          image: `${TMDB_POSTER_BASE}null`,
        }),
        context,
      ),
    );
    expect(hook.media.posterUrl).toBe(`${TMDB_POSTER_BASE}null`);
  });

  it('refuses the details of another title', async () => {
    const request = fake.addRequest({ ...matrix, requestedBy: alice.id });
    fake.addTitle({ mediaType: 'movie', tmdbId: 604, title: 'The Matrix Reloaded', year: 2003 });
    const { request: read } = await readBack(request);
    const client = createJellyseerrClient({
      url: fake.url,
      apiKey: fake.apiKey,
      resilience: TEST_RESILIENCE,
    });
    const other = await client.media({ tmdbId: 604, type: 'movie' });
    expect(() => observationsForRequest({ request: read, media: other })).toThrow(
      'is not the title of request',
    );
  });

  it('is pure: same input, same output, input untouched', async () => {
    const request = fake.addRequest({ ...breakingBad, seasons: [1, 2], requestedBy: alice.id });
    const input = await readBack(request);
    const before = structuredClone(input);
    const first = observationsForRequest(input);
    first[0]?.requestedSeasons?.push(99);
    expect(observationsForRequest(input)).toEqual(observationsForRequest(before));
    expect(input).toEqual(before);
  });
});
