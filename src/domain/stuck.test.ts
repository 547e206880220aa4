import { describe, expect, it } from 'vitest';
import { type DeriveInput, deriveRequest } from './derive.js';
import { createObservationBuilder, HASH_A } from './observation.test-utils.js';
import type { StoredObservation } from './observations.js';
import { DEFAULT_STUCK_THRESHOLDS } from './stuck.js';

/** Builders start at 12:00 with one minute between observations. */
const at = (minutesAfterNoon: number) =>
  new Date(Date.parse('2026-01-10T12:00:00Z') + minutesAfterNoon * 60_000).toISOString();

function derive(observations: StoredObservation[], now: string, options: Partial<DeriveInput> = {}) {
  return deriveRequest({
    mediaType: observations[0]?.media.mediaType ?? 'movie',
    observations,
    now,
    trustAvailableHint: false,
    thresholds: DEFAULT_STUCK_THRESHOLDS,
    ...options,
  });
}

const movie = (media = {}) => createObservationBuilder({ mediaType: 'movie', media });

describe('stuck requests get a problem once a stage takes longer than its threshold', () => {
  it('no_release: approved and nothing grabbed for two hours', () => {
    const b = movie();
    b.requested();
    b.approved({ at: at(1) });
    expect(derive(b.all, at(100)).problem).toBeNull();
    expect(derive(b.all, at(121)).problem).toMatchObject({
      code: 'no_release',
      since: at(1),
      message: expect.stringMatching(/^Radarr has not grabbed a release in 2 hours/),
    });
  });

  it('stalled: counted from the first stalled report after the last report of progress', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.progress({ id: HASH_A, fraction: 0.1, clientState: 'stalled', at: at(1) });
    b.progress({ id: HASH_A, fraction: 0.3, at: at(20) });
    b.progress({ id: HASH_A, fraction: 0.3, clientState: 'stalled', at: at(25) });
    b.progress({ id: HASH_A, fraction: 0.3, clientState: 'stalled', at: at(50) });
    expect(derive(b.all, at(54)).problem).toBeNull();
    expect(derive(b.all, at(55)).problem).toMatchObject({ code: 'stalled', since: at(25) });
    // Bytes again: the problem clears itself.
    b.progress({ id: HASH_A, fraction: 0.4, at: at(56) });
    expect(derive(b.all, at(57)).problem).toBeNull();
  });

  it('stalled: grabbed 30 minutes ago and no download client has reported it since', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    expect(derive(b.all, at(29)).problem).toBeNull();
    expect(derive(b.all, at(30)).problem).toMatchObject({
      code: 'stalled',
      since: at(0),
      message: expect.stringMatching(/^Radarr sent the release to the download client 30 minutes ago/),
    });
    b.progress({ id: HASH_A, fraction: 0.2, at: at(31) });
    expect(derive(b.all, at(32)).problem).toBeNull();
  });

  it('stalled: paused or queued in the client for 30 minutes', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.progress({ id: HASH_A, fraction: 0.2, clientState: 'paused', at: at(1) });
    expect(derive(b.all, at(30)).problem).toBeNull();
    expect(derive(b.all, at(31)).problem?.message).toMatch(
      /^The download has been paused in .* for 30 minutes/,
    );
    b.progress({ id: HASH_A, fraction: 0.2, clientState: 'queued', at: at(32) });
    expect(derive(b.all, at(33)).problem).toBeNull();
    expect(derive(b.all, at(62)).problem?.message).toMatch(/queued .* for 30 minutes/);
  });

  it('metadata_stuck: a magnet fetching its metadata for 15 minutes', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.progress({ id: HASH_A, fraction: 0, clientState: 'metadata', at: at(1) });
    expect(derive(b.all, at(15)).problem).toBeNull();
    expect(derive(b.all, at(16)).problem?.code).toBe('metadata_stuck');
  });

  it('import_desync: downloaded and not imported for 20 minutes; an import clears it', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.completed({ id: HASH_A, at: at(5) });
    expect(derive(b.all, at(24)).problem).toBeNull();
    expect(derive(b.all, at(25)).problem).toMatchObject({
      code: 'import_desync',
      message: 'Downloaded 20 minutes ago, but Radarr has not imported it',
    });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/movies/A/A.mkv' }], at: at(26) });
    expect(derive(b.all, at(27)).problem).toBeNull();
  });

  it('not_in_library: imported and not in Jellyfin for 30 minutes; anime waits for Shoko an hour first', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/movies/A/A.mkv' }], at: at(10) });
    expect(derive(b.all, at(39)).problem).toBeNull();
    expect(derive(b.all, at(40)).problem?.code).toBe('not_in_library');

    const anime = movie({ isAnime: true });
    anime.grabbed({ id: HASH_A, at: at(0) });
    anime.imported({ id: HASH_A, files: [{ id: 1, path: '/anime/A/A.mkv' }], at: at(10) });
    expect(derive(anime.all, at(69)).problem).toBeNull();
    expect(derive(anime.all, at(70)).problem).toMatchObject({
      code: 'anime_not_matched',
      message: expect.stringMatching(/may need a manual match in Shoko$/),
    });
    anime.animeMatched({ path: '/mnt/A/A.mkv', at: at(71) });
    expect(derive(anime.all, at(72)).problem).toBeNull();
    expect(derive(anime.all, at(101)).problem?.code).toBe('not_in_library');
  });

  it('counts no evidence against a stage whose service is down (outage guard)', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/movies/A/A.mkv' }], at: at(10) });
    expect(derive(b.all, at(200), { outages: new Set(['jellyfin']) }).problem).toBeNull();
    expect(derive(b.all, at(200), { outages: new Set(['downloader']) }).problem?.code).toBe('not_in_library');
  });

  it('slow is off by default, and on with a threshold', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.progress({ id: HASH_A, fraction: 0.1, etaSeconds: 6 * 3600, at: at(1) });
    expect(derive(b.all, at(2)).problem).toBeNull();
    const slow = { ...DEFAULT_STUCK_THRESHOLDS, slowMinutes: 120 };
    expect(derive(b.all, at(2), { thresholds: slow }).problem).toMatchObject({
      code: 'slow',
      message: 'The download needs 6 hours more at its current speed',
    });
  });

  it('keeps a problem the facts show (a failure) over a time-based one', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, at: at(0) });
    b.failed({ id: HASH_A, reason: 'unregistered torrent', at: at(1) });
    expect(derive(b.all, at(500)).problem?.code).toBe('download_failed');
  });
});
