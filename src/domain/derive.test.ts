import { describe, expect, it } from 'vitest';
import { type Derived, type DeriveInput, deriveRequest } from './derive.js';
import {
  createObservationBuilder,
  ep,
  episodePath,
  episodeRange,
  GB,
  HASH_A,
  HASH_B,
  HASH_C,
  NEVER_STUCK,
  PATH_NOW,
} from './observation.test-utils.js';
import type { StoredObservation } from './observations.js';

const NOW = PATH_NOW;

function derive(
  observations: StoredObservation[],
  options: Partial<Omit<DeriveInput, 'observations'>> = {},
): Derived {
  return deriveRequest({
    mediaType: observations[0]?.media.mediaType ?? 'movie',
    now: NOW,
    trustAvailableHint: false,
    thresholds: NEVER_STUCK,
    ...options,
    observations,
  });
}

const movie = (media = {}) => createObservationBuilder({ mediaType: 'movie', media });
const show = (media = {}) => createObservationBuilder({ mediaType: 'tv', media });

describe('deriveRequest — movie', () => {
  it('is requested while waiting for approval, with the request details', () => {
    const b = movie();
    b.requested({ requestedBy: 'alice', jellyseerrRequestId: 12 });
    const d = derive(b.all);
    expect(d.state).toBe('requested');
    expect(d.problem).toBeNull();
    expect(d.progress).toBeNull();
    expect(d.info).toMatchObject({
      title: 'A Silent Voice',
      year: 2016,
      tmdbId: 378064,
      imdbId: 'tt7078780',
      requestedBy: 'alice',
      jellyseerrRequestId: 12,
      requestedSeasons: [],
      isAnime: false,
      jellyfinId: null,
    });
    expect(d.episodes).toEqual([]);
    expect(d.downloads).toEqual([]);
  });

  it('is approved once approved, or added in Radarr', () => {
    const b = movie();
    b.requested();
    b.approved();
    expect(derive(b.all).state).toBe('approved');

    const arrOnly = movie();
    arrOnly.added();
    const d = derive(arrOnly.all);
    expect(d.state).toBe('approved');
    expect(d.info.arr).toEqual({ app: 'radarr', instance: 'Radarr', id: 7 });
    expect(d.info.requestedBy).toBeNull();
  });

  it('is requested with no observations at all, approved for an *arr item with unrelated facts', () => {
    expect(derive([]).state).toBe('requested');
    const b = movie();
    b.fileDeleted({ fileIds: [3] });
    expect(derive(b.all).state).toBe('approved');
  });

  it('is grabbing after the grab, with a download at progress 0', () => {
    const b = movie();
    b.approved();
    b.grabbed({ id: HASH_A, name: 'Movie.2016.1080p', sizeBytes: 2 * GB, client: 'qBittorrent (VPN)' });
    const d = derive(b.all);
    expect(d.state).toBe('grabbing');
    expect(d.progress).toBe(0);
    expect(d.downloads).toEqual([
      {
        key: HASH_A.toLowerCase(),
        downloadId: HASH_A,
        client: 'qBittorrent (VPN)',
        clientType: 'qBittorrent',
        name: 'Movie.2016.1080p',
        progress: null,
        state: 'grabbed',
        sizeBytes: 2 * GB,
        etaSeconds: null,
        speedBytesPerSecond: null,
        failureReason: null,
        indexer: null,
        tags: [],
        episodeCount: 0,
      },
    ]);
  });

  it('is downloading with the latest progress, matching lower-case client hashes', () => {
    const b = movie();
    b.approved();
    b.grabbed({ id: HASH_A, sizeBytes: GB });
    b.progress({ id: HASH_A, fraction: 0.3, etaSeconds: 900, speed: 1000 });
    b.progress({ id: HASH_A, fraction: 0.7, etaSeconds: 300, speed: 2000 });
    const d = derive(b.all);
    expect(d.state).toBe('downloading');
    expect(d.progress).toBeCloseTo(0.7);
    expect(d.downloads).toHaveLength(1);
    expect(d.downloads[0]).toMatchObject({
      downloadId: HASH_A,
      state: 'downloading',
      progress: 0.7,
      etaSeconds: 300,
      speedBytesPerSecond: 2000,
    });
  });

  it('maps the latest client state of the download (stalled, paused)', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.progress({ id: HASH_A, fraction: 0.4, clientState: 'stalled' });
    expect(derive(b.all).downloads[0]?.state).toBe('stalled');
    b.progress({ id: HASH_A, fraction: 0.4, clientState: 'paused' });
    expect(derive(b.all).downloads[0]?.state).toBe('paused');
    expect(derive(b.all).state).toBe('downloading');
  });

  it('is downloaded when the client completes, and never goes back with later progress', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.progress({ id: HASH_A, fraction: 0.9 });
    b.completed({ id: HASH_A });
    // A late poll reporting an older fraction cannot move the phase back.
    b.progress({ id: HASH_A, fraction: 0.5 });
    const d = derive(b.all);
    expect(d.state).toBe('downloaded');
    expect(d.progress).toBe(1);
    expect(d.downloads[0]).toMatchObject({ state: 'completed', progress: 1, etaSeconds: null });
  });

  it('counts a progress at 100% or a completed client state as downloaded', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.progress({ id: HASH_A, fraction: 1, clientState: 'checking' });
    expect(derive(b.all).state).toBe('downloaded');
  });

  it('takes an import before the completion as proof of the download (edge case 33)', () => {
    const b = movie();
    b.approved();
    b.grabbed({ id: HASH_A });
    b.progress({ id: HASH_A, fraction: 0.5 });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/movies/A/A.mkv' }] });
    const d = derive(b.all);
    expect(d.state).toBe('importing');
    expect(d.progress).toBeNull();
    expect(d.downloads[0]).toMatchObject({ state: 'imported', progress: 1 });
  });

  it('counts an import without download id (manual import, edge case 40)', () => {
    const b = movie();
    b.approved();
    b.imported({ files: [{ id: 1, path: '/movies/A/A.mkv' }] });
    const d = derive(b.all);
    expect(d.state).toBe('importing');
    expect(d.downloads).toEqual([]);
  });

  it('stops counting an import whose files were deleted, and goes back to waiting for a grab', () => {
    const b = movie();
    b.approved();
    b.grabbed({ id: HASH_A });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/movies/A/A.mkv' }] });
    b.fileDeleted({ fileIds: [1], reason: 'manual' });
    const d = derive(b.all);
    expect(d.state).toBe('approved');
    expect(d.downloads[0]?.state).toBe('imported');

    b.grabbed({ id: HASH_B });
    expect(derive(b.all).state).toBe('grabbing');
  });

  it('keeps counting an upgrade: the old file id is deleted, the new import has another id', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/movies/A/A.720p.mkv' }] });
    b.grabbed({ id: HASH_B });
    b.imported({ id: HASH_B, files: [{ id: 2, path: '/movies/A/A.1080p.mkv' }], isUpgrade: true });
    b.fileDeleted({ fileIds: [1], reason: 'upgrade' });
    expect(derive(b.all).state).toBe('importing');
  });

  it('counts files without id even when other ids were deleted', () => {
    const b = movie();
    b.imported({ files: [{ path: '/movies/A/A.mkv' }] });
    b.fileDeleted({ fileIds: [1] });
    expect(derive(b.all).state).toBe('importing');
  });

  it('is available once Jellyfin has it, with its Jellyfin id', () => {
    const b = movie();
    b.approved();
    b.grabbed({ id: HASH_A });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/movies/A/A.mkv' }] });
    b.available({ jellyfinId: 'a'.repeat(32) });
    const d = derive(b.all);
    expect(d.state).toBe('available');
    expect(d.info.jellyfinId).toBe('a'.repeat(32));
    expect(d.progress).toBeNull();
  });

  it('waits for Shoko after the import of an anime movie, then for Jellyfin', () => {
    const b = movie({ isAnime: true });
    b.grabbed({ id: HASH_A });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/data/anime/movies/A/A.mkv' }] });
    expect(derive(b.all).state).toBe('anime_matching');
    expect(derive(b.all).info.isAnime).toBe(true);
    b.animeMatched({ path: '/mnt/anime/movies/A/A.mkv' });
    expect(derive(b.all).state).toBe('importing');
    b.available();
    expect(derive(b.all).state).toBe('available');
  });

  it('shows why Shoko did not match a file, until it does or Jellyfin has the movie anyway', () => {
    const b = movie({ isAnime: true });
    b.grabbed({ id: HASH_A });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/data/anime/movies/A/A.mkv' }] });
    b.animeNotMatched({ path: '/mnt/anime/movies/A/A.mkv', reason: 'not found on AniDB after 3 attempts' });
    const stuck = derive(b.all);
    expect(stuck.state).toBe('anime_matching');
    expect(stuck.problem).toMatchObject({
      code: 'anime_not_matched',
      message: 'Shoko could not match "A.mkv": not found on AniDB after 3 attempts',
    });
    const withJellyfin = movie({ isAnime: true });
    for (const o of b.all) withJellyfin.all.push(o);
    withJellyfin.available();
    expect(derive(withJellyfin.all)).toMatchObject({ state: 'available', problem: null });
    b.animeMatched({ path: '/mnt/anime/movies/A/A.mkv' });
    expect(derive(b.all)).toMatchObject({ state: 'importing', problem: null });
  });

  it('gives an anime episode the not-matched problem of its own file only', () => {
    const b = show({ isAnime: true });
    const [e1, e2] = [ep(1, 1), ep(1, 2)];
    b.grabbed({ id: HASH_A, episodes: [e1, e2] });
    for (const e of [e1, e2]) {
      b.imported({
        id: HASH_A,
        episodes: [e],
        files: [{ id: e.episodeNumber, path: episodePath(e, '/data/anime/tv') }],
      });
    }
    b.animeMatched({ path: episodePath(e1, '/mnt/shoko') });
    b.animeNotMatched({ path: episodePath(e2, '/mnt/shoko'), reason: 'AniDB UDP ban: matching paused' });
    const d = derive(b.all);
    expect(d.episodes.map((e) => e.state)).toEqual(['importing', 'anime_matching']);
    expect(d.state).toBe('anime_matching');
    expect(d.problem?.code).toBe('anime_not_matched');
    expect(d.problem?.message).toContain('AniDB UDP ban');
  });

  it('is anime when any observation says so', () => {
    const b = movie();
    b.requested();
    b.added({ media: { isAnime: true } });
    b.imported({ files: [{ id: 1, path: '/a.mkv' }] });
    expect(derive(b.all).state).toBe('anime_matching');
  });

  it('fails when its only download failed, with the reason', () => {
    const b = movie();
    b.approved();
    b.grabbed({ id: HASH_A, name: 'Bad.Release' });
    b.progress({ id: HASH_A, fraction: 0.2 });
    const failure = b.failed({ id: HASH_A, reason: 'Not enough seeders' });
    const d = derive(b.all);
    expect(d.state).toBe('failed');
    expect(d.progress).toBeNull();
    expect(d.problem).toEqual({
      code: 'download_failed',
      message: 'Download failed: Not enough seeders',
      since: failure.at,
    });
    expect(d.downloads[0]).toMatchObject({ state: 'failed', failureReason: 'Not enough seeders' });
  });

  it('moves on with a new grab after a failure: a new attempt, both downloads listed', () => {
    const b = movie();
    b.approved();
    b.grabbed({ id: HASH_A });
    b.failed({ id: HASH_A, reason: 'Not enough seeders' });
    b.grabbed({ id: HASH_B });
    const d = derive(b.all);
    expect(d.state).toBe('grabbing');
    expect(d.problem).toBeNull();
    expect(d.downloads.map((x) => [x.key, x.state])).toEqual([
      [HASH_A.toLowerCase(), 'failed'],
      [HASH_B.toLowerCase(), 'grabbed'],
    ]);
  });

  it('reports the latest failure when every attempt failed', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.failed({ id: HASH_A, reason: 'first' });
    b.grabbed({ id: HASH_B });
    const second = b.failed({ id: HASH_B, reason: 'second' });
    expect(derive(b.all).problem).toEqual({
      code: 'download_failed',
      message: 'Download failed: second',
      since: second.at,
    });
  });

  it('starts a new attempt when the same download id is grabbed again after its failure', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.progress({ id: HASH_A, fraction: 0.8 });
    b.failed({ id: HASH_A, reason: 'Removed from client' });
    expect(derive(b.all).state).toBe('failed');
    b.grabbed({ id: HASH_A });
    const d = derive(b.all);
    expect(d.state).toBe('grabbing');
    expect(d.progress).toBe(0);
    expect(d.downloads).toHaveLength(1);
    expect(d.downloads[0]).toMatchObject({ state: 'grabbed', failureReason: null });
  });

  it('ignores a failure after the import: the import proves the download', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/a.mkv' }] });
    b.failed({ id: HASH_A, reason: 'late' });
    expect(derive(b.all).state).toBe('importing');
  });

  it('is downloaded with an import_blocked problem until imported', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.progress({ id: HASH_A, fraction: 1 });
    const block = b.blocked({ id: HASH_A, messages: ['Unable to parse file', 'No files found'] });
    b.blocked({ id: HASH_A, messages: ['Unable to parse file'] });
    const d = derive(b.all);
    expect(d.state).toBe('downloaded');
    expect(d.problem).toEqual({
      code: 'import_blocked',
      message: 'Radarr cannot import the download: Unable to parse file; No files found',
      since: block.at,
    });
    expect(d.downloads[0]?.state).toBe('import_blocked');

    b.imported({ id: HASH_A, files: [{ id: 1, path: '/a.mkv' }] });
    const after = derive(b.all);
    expect(after.state).toBe('importing');
    expect(after.problem).toBeNull();
    expect(after.downloads[0]?.state).toBe('imported');
  });

  it('trusts available_hint only when asked to', () => {
    const b = movie();
    b.approved();
    b.availableHint();
    expect(derive(b.all).state).toBe('approved');
    expect(derive(b.all, { trustAvailableHint: true }).state).toBe('available');
  });

  it('is declined when declined without *arr activity', () => {
    const b = movie();
    b.requested();
    b.declined();
    expect(derive(b.all).state).toBe('declined');
    b.grabbed({ id: HASH_A });
    expect(derive(b.all).state).toBe('grabbing');
  });

  it('is deleted once deleted, whatever else is known', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    b.imported({ id: HASH_A, files: [{ id: 1, path: '/a.mkv' }] });
    b.available();
    b.deleted();
    expect(derive(b.all).state).toBe('deleted');
  });

  it('fails when Jellyseerr could not send the request, until Radarr has the movie', () => {
    const b = movie();
    b.approved();
    const failure = b.requestFailed();
    expect(derive(b.all)).toMatchObject({
      state: 'failed',
      problem: {
        code: 'request_failed',
        message: 'Jellyseerr could not send the request to Radarr',
        since: failure.at,
      },
    });
    b.approved();
    expect(derive(b.all).state).toBe('approved');

    const c = movie();
    c.requestFailed();
    c.added();
    expect(derive(c.all)).toMatchObject({ state: 'approved', problem: null });
  });

  it('weights progress by size, or takes the plain mean when sizes are unknown', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, sizeBytes: GB });
    b.grabbed({ id: HASH_B, sizeBytes: 3 * GB });
    b.progress({ id: HASH_A, fraction: 1 });
    b.progress({ id: HASH_B, fraction: 0 });
    expect(derive(b.all).progress).toBeCloseTo(0.25);

    const c = movie();
    c.grabbed({ id: HASH_A });
    c.grabbed({ id: HASH_B, sizeBytes: 3 * GB });
    c.progress({ id: HASH_A, fraction: 1 });
    expect(derive(c.all).progress).toBeCloseTo(0.5);
  });

  it('leaves failed attempts out of the progress', () => {
    const b = movie();
    b.grabbed({ id: HASH_A, sizeBytes: GB });
    b.progress({ id: HASH_A, fraction: 0.9 });
    b.failed({ id: HASH_A, reason: 'x' });
    b.grabbed({ id: HASH_B, sizeBytes: GB });
    b.progress({ id: HASH_B, fraction: 0.1 });
    expect(derive(b.all).progress).toBeCloseTo(0.1);
  });

  it('prefers Jellyseerr for the title, then the *arr, then Jellyfin', () => {
    const b = movie();
    b.available({ media: { title: 'Koe no Katachi', tmdbId: 1 } });
    b.added({ media: { title: 'A Silent Voice: The Movie', tmdbId: 2 } });
    expect(derive(b.all).info).toMatchObject({ title: 'A Silent Voice: The Movie', tmdbId: 2 });
    b.requested({ media: { title: 'A Silent Voice', tmdbId: 378064 } });
    expect(derive(b.all).info).toMatchObject({ title: 'A Silent Voice', tmdbId: 378064 });
  });

  it('does not depend on duplicates stored under another id', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    const progress = b.progress({ id: HASH_A, fraction: 0.5 });
    const once = derive(b.all);
    const twice = derive([...b.all, { ...progress, id: 999 }]);
    expect(twice).toEqual(once);
  });
});

describe('deriveRequest — TV', () => {
  it('shows a season pack as one download for 13 episodes (edge case 15)', () => {
    const b = show();
    const episodes = episodeRange(1, 1, 13);
    b.requested();
    b.approved();
    b.grabbed({ id: HASH_A, name: 'Horimiya.S01.1080p', sizeBytes: 13 * GB, episodes });
    b.progress({ id: HASH_A, fraction: 0.4 });
    const d = derive(b.all);
    expect(d.state).toBe('downloading');
    expect(d.progress).toBeCloseTo(0.4);
    expect(d.episodes).toHaveLength(13);
    expect(
      d.episodes.every((e) => e.state === 'downloading' && e.progress === 0.4 && e.aired && e.inScope),
    ).toBe(true);
    expect(d.episodes[0]).toMatchObject({
      seasonNumber: 1,
      episodeNumber: 1,
      title: 'Episode 1',
      sonarrEpisodeId: 1001,
      airDate: '2021-01-01',
    });
    expect(d.downloads).toHaveLength(1);
    expect(d.downloads[0]).toMatchObject({ episodeCount: 13, state: 'downloading' });
    expect(d.info.requestedSeasons).toEqual([1]);
  });

  it('follows one season in several downloads; the request shows the least advanced episode', () => {
    const b = show();
    b.approved();
    b.grabbed({ id: HASH_A, sizeBytes: 6 * GB, episodes: episodeRange(1, 1, 6) });
    b.grabbed({ id: HASH_B, sizeBytes: 2 * GB, episodes: [ep(1, 7)] });
    b.grabbed({ id: HASH_C, sizeBytes: 2 * GB, episodes: [ep(1, 8)] });
    b.progress({ id: HASH_A, fraction: 1 });
    b.progress({ id: HASH_B, fraction: 0.5 });
    const d = derive(b.all);
    expect(d.state).toBe('grabbing');
    expect(d.episodes.map((e) => e.state)).toEqual([
      ...Array(6).fill('downloaded'),
      'downloading',
      'grabbing',
    ]);
    // (6·1 + 2·0.5 + 2·0) / 10
    expect(d.progress).toBeCloseTo(0.7);
    expect(d.downloads.map((x) => x.episodeCount)).toEqual([6, 1, 1]);
  });

  it('imports per episode from a pack: imported episodes move on, the rest of the pack stays downloaded', () => {
    const b = show();
    const episodes = episodeRange(1, 1, 3);
    b.grabbed({ id: HASH_A, episodes });
    b.progress({ id: HASH_A, fraction: 1 });
    const first = episodes[0]!;
    b.imported({ id: HASH_A, episodes: [first], files: [{ id: 1, path: episodePath(first) }] });
    const d = derive(b.all);
    expect(d.episodes.map((e) => e.state)).toEqual(['importing', 'downloaded', 'downloaded']);
    expect(d.state).toBe('downloaded');
    expect(d.downloads[0]?.state).toBe('imported');
  });

  it('takes an import of an episode before its download completed as proof of the download', () => {
    const b = show();
    const e1 = ep(1, 1);
    b.grabbed({ id: HASH_A, episodes: [e1] });
    b.progress({ id: HASH_A, fraction: 0.3 });
    b.imported({ id: HASH_A, episodes: [e1], files: [{ id: 1, path: episodePath(e1) }] });
    expect(derive(b.all).state).toBe('importing');
  });

  it('counts a manual import of an episode (no download id)', () => {
    const b = show();
    b.approved();
    const e1 = ep(1, 1);
    b.imported({ episodes: [e1], files: [{ id: 1, path: episodePath(e1) }] });
    expect(derive(b.all).state).toBe('importing');
  });

  it('is available when every aired requested episode is; unaired episodes are upcoming, not stuck', () => {
    const b = show();
    const aired = episodeRange(1, 1, 2);
    const future = ep(1, 3, { airDate: '2026-03-01', airDateUtc: '2026-03-01T15:00:00Z' });
    b.approved();
    b.added({ episodes: [future] });
    for (const e of aired) b.available({ episodes: [e] });
    const d = derive(b.all);
    expect(d.state).toBe('available');
    expect(d.episodes.map((e) => [e.episodeNumber, e.state, e.aired])).toEqual([
      [1, 'available', true],
      [2, 'available', true],
      [3, 'approved', false],
    ]);
  });

  it('is approved when every requested episode is still unaired', () => {
    const b = show();
    b.approved();
    b.added({ episodes: [ep(1, 1, { airDate: undefined, airDateUtc: '2026-02-01T00:00:01Z' })] });
    const d = derive(b.all);
    expect(d.state).toBe('approved');
    expect(d.episodes[0]).toMatchObject({ aired: false, airDate: '2026-02-01' });
  });

  it('uses the request-level state when no episode is known yet', () => {
    const b = show();
    b.requested();
    expect(derive(b.all).state).toBe('requested');
    b.approved();
    expect(derive(b.all).state).toBe('approved');
    b.requestFailed();
    expect(derive(b.all).problem?.message).toBe('Jellyseerr could not send the request to Sonarr');
  });

  it('only counts episodes of the requested seasons', () => {
    const b = show();
    b.approved({ requestedSeasons: [2] });
    b.available({ episodes: [ep(1, 1)] });
    b.grabbed({ id: HASH_A, episodes: [ep(2, 1)] });
    const d = derive(b.all);
    expect(d.state).toBe('grabbing');
    expect(d.episodes.map((e) => [e.seasonNumber, e.inScope])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('counts every season when none were requested', () => {
    const b = show();
    b.added();
    b.grabbed({ id: HASH_A, episodes: [ep(1, 1), ep(2, 1)] });
    const d = derive(b.all);
    expect(d.info.requestedSeasons).toEqual([]);
    expect(d.episodes.every((e) => e.inScope)).toBe(true);
  });

  it('fails with a count of failed episodes when every pending episode failed', () => {
    const b = show();
    b.approved();
    b.grabbed({ id: HASH_A, episodes: [ep(1, 1)] });
    b.imported({ id: HASH_A, episodes: [ep(1, 1)], files: [{ id: 1, path: episodePath(ep(1, 1)) }] });
    b.available({ episodes: [ep(1, 1)] });
    b.grabbed({ id: HASH_B, episodes: [ep(1, 2), ep(1, 3)] });
    const failure = b.failed({ id: HASH_B, reason: 'Not enough seeders' });
    const d = derive(b.all);
    expect(d.state).toBe('failed');
    expect(d.problem).toEqual({
      code: 'download_failed',
      message: 'Download failed for 2 episodes: Not enough seeders',
      since: failure.at,
    });
    expect(d.episodes.map((e) => e.state)).toEqual(['available', 'failed', 'failed']);
  });

  it('keeps going while other episodes are on their way, naming the failure as a problem', () => {
    const b = show();
    b.grabbed({ id: HASH_A, episodes: [ep(1, 1)] });
    b.progress({ id: HASH_A, fraction: 0.5 });
    b.grabbed({ id: HASH_B, episodes: [ep(1, 2)] });
    b.failed({ id: HASH_B, reason: 'Stalled' });
    const d = derive(b.all);
    expect(d.state).toBe('downloading');
    expect(d.problem?.message).toBe('Download failed for 1 episode: Stalled');
    expect(d.progress).toBeCloseTo(0.5);
  });

  it('starts a new attempt for an episode that failed when a new release is grabbed', () => {
    const b = show();
    b.grabbed({ id: HASH_A, episodes: [ep(1, 1)] });
    b.failed({ id: HASH_A, reason: 'Stalled' });
    b.grabbed({ id: HASH_B, episodes: [ep(1, 1)] });
    const d = derive(b.all);
    expect(d.state).toBe('grabbing');
    expect(d.problem).toBeNull();
  });

  it('shows an import blocked on a pack as downloaded with the *arr message', () => {
    const b = show();
    const episodes = episodeRange(1, 1, 3);
    b.grabbed({ id: HASH_A, episodes });
    b.progress({ id: HASH_A, fraction: 1 });
    b.blocked({ id: HASH_A, messages: ['Episode was not found in the grabbed release'] });
    const d = derive(b.all);
    expect(d.state).toBe('downloaded');
    expect(d.problem).toMatchObject({
      code: 'import_blocked',
      message: 'Sonarr cannot import the download: Episode was not found in the grabbed release',
    });
    expect(d.downloads[0]?.state).toBe('import_blocked');
  });

  it('waits for Shoko per anime episode; a match by path tail applies to the episode imported there', () => {
    const b = show({ isAnime: true });
    const [e1, e2] = [ep(1, 1), ep(1, 2)];
    b.grabbed({ id: HASH_A, episodes: [e1, e2] });
    b.imported({
      id: HASH_A,
      episodes: [e1, e2],
      files: [
        { id: 1, path: episodePath(e1, '/data/anime/tv') },
        { id: 2, path: episodePath(e2, '/data/anime/tv') },
      ],
    });
    expect(derive(b.all).episodes.map((e) => e.state)).toEqual(['anime_matching', 'anime_matching']);
    // Which file holds which episode is unknown (edge case 37): both wait until both files match.
    b.animeMatched({ path: episodePath(e1, '/mnt/shoko') });
    expect(derive(b.all).episodes.map((e) => e.state)).toEqual(['anime_matching', 'anime_matching']);
    b.animeMatched({ path: episodePath(e2, '/mnt/shoko') });
    expect(derive(b.all).episodes.map((e) => e.state)).toEqual(['importing', 'importing']);
  });

  it('matches single-episode imports by path tail, one episode at a time', () => {
    const b = show({ isAnime: true });
    const [e1, e2] = [ep(1, 1), ep(1, 2)];
    b.grabbed({ id: HASH_A, episodes: [e1, e2] });
    for (const e of [e1, e2]) {
      b.imported({
        id: HASH_A,
        episodes: [e],
        files: [{ id: e.episodeNumber, path: episodePath(e, '/data/anime/tv') }],
      });
    }
    b.animeMatched({ path: episodePath(e1, '/mnt/shoko') });
    const d = derive(b.all);
    expect(d.episodes.map((e) => e.state)).toEqual(['importing', 'anime_matching']);
    expect(d.state).toBe('anime_matching');
  });

  it('takes an anime_matched that names the episode as the match', () => {
    const b = show({ isAnime: true });
    const e1 = ep(1, 1);
    b.imported({ episodes: [e1], files: [{ id: 1, path: episodePath(e1) }] });
    b.animeMatched({ path: '/elsewhere/other-name.mkv', episodes: [e1] });
    expect(derive(b.all).state).toBe('importing');
  });

  it('does not take a series-level Jellyfin item as proof of the episodes (edge case 133)', () => {
    const b = show();
    b.approved();
    b.grabbed({ id: HASH_A, episodes: [ep(1, 1)] });
    b.imported({ id: HASH_A, episodes: [ep(1, 1)], files: [{ id: 1, path: episodePath(ep(1, 1)) }] });
    b.available({ media: { jellyfinId: 'c'.repeat(32) } });
    const d = derive(b.all);
    expect(d.state).toBe('importing');
    expect(d.info.jellyfinId).toBe('c'.repeat(32));
  });

  it('merges episode details from Sonarr and Jellyfin', () => {
    const b = show();
    b.grabbed({ id: HASH_A, episodes: [ep(1, 1, { title: 'A Tiny Happenstance' })] });
    b.available({
      episodes: [
        { seasonNumber: 1, episodeNumber: 1, title: 'Jellyfin title', jellyfinId: 'd'.repeat(32), tvdbId: 5 },
      ],
    });
    expect(derive(b.all).episodes[0]).toMatchObject({
      title: 'A Tiny Happenstance',
      jellyfinId: 'd'.repeat(32),
      tvdbId: 5,
      sonarrEpisodeId: 1001,
      state: 'available',
    });
  });

  it('is available on a trusted request-level available_hint', () => {
    const b = show();
    b.approved();
    b.grabbed({ id: HASH_A, episodes: [ep(1, 1)] });
    b.availableHint();
    expect(derive(b.all).state).toBe('grabbing');
    expect(derive(b.all, { trustAvailableHint: true }).state).toBe('available');
  });

  it('is declined or deleted at request level', () => {
    const b = show();
    b.requested();
    b.declined();
    expect(derive(b.all).state).toBe('declined');

    const c = show();
    c.grabbed({ id: HASH_A, episodes: [ep(1, 1)] });
    c.deleted();
    const d = derive(c.all);
    expect(d.state).toBe('deleted');
    expect(d.episodes[0]?.state).toBe('deleted');
  });

  it('reports null progress when nothing is on its way', () => {
    const b = show();
    b.imported({ episodes: [ep(1, 1)], files: [{ id: 1, path: '/tv/a.mkv' }] });
    expect(derive(b.all).progress).toBeNull();
  });
});
