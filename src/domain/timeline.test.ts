import { describe, expect, it } from 'vitest';
import { createObservationBuilder, ep, episodeRange, GB, HASH_A, HASH_B } from './observation.test-utils.js';
import { alreadyTold, describeObservation, describeState, episodeCode, formatBytes } from './timeline.js';

const movie = () => createObservationBuilder({ mediaType: 'movie' });
const show = () => createObservationBuilder({ mediaType: 'tv' });

describe('formatBytes', () => {
  it('shows GB above a gigabyte and MB below, with one decimal', () => {
    expect(formatBytes(1.1 * GB)).toBe('1.1 GB');
    expect(formatBytes(700 * 1024 ** 2)).toBe('700.0 MB');
    expect(formatBytes(0)).toBe('0.0 MB');
  });
});

describe('episodeCode', () => {
  it('pads season and episode', () => {
    expect(episodeCode({ seasonNumber: 1, episodeNumber: 3 })).toBe('S01E03');
    expect(episodeCode({ seasonNumber: 12, episodeNumber: 104 })).toBe('S12E104');
  });
});

describe('describeObservation', () => {
  it('describes Jellyseerr facts', () => {
    const b = movie();
    expect(describeObservation(b.requested({ requestedBy: 'alice' }))).toBe(
      'Requested by alice in Jellyseerr',
    );
    expect(describeObservation(b.approved({ automatic: true }))).toBe('Approved automatically in Jellyseerr');
    expect(describeObservation(b.approved({ automatic: false }))).toBe('Approved in Jellyseerr');
    expect(describeObservation(b.declined())).toBe('Declined in Jellyseerr');
    expect(describeObservation(b.requestFailed())).toBe('Jellyseerr could not send the request to Radarr');
    expect(describeObservation(show().requested({ requestedSeasons: [2, 1] }))).toBe(
      'Requested by alice in Jellyseerr (seasons 1, 2)',
    );
  });

  it('describes a movie grab with size and client', () => {
    const o = movie().grabbed({
      id: HASH_A,
      name: '[The-Nut] Violet Evergarden',
      sizeBytes: 1.1 * GB,
      client: 'qBittorrent (VPN)',
    });
    expect(describeObservation(o)).toBe(
      'Radarr grabbed "[The-Nut] Violet Evergarden" (1.1 GB) and sent it to qBittorrent (VPN)',
    );
  });

  it('describes a season pack and a single-episode grab', () => {
    const b = show();
    const pack = b.grabbed({ id: HASH_A, name: 'Horimiya.S01', episodes: episodeRange(1, 1, 13) });
    expect(describeObservation(pack)).toBe(
      'Sonarr grabbed a season pack of 13 episodes: "Horimiya.S01" and sent it to qBittorrent',
    );
    const single = b.grabbed({ id: HASH_A, name: 'Horimiya.S01E03', episodes: [ep(1, 3)], client: 'SAB' });
    expect(describeObservation(single)).toBe('Sonarr grabbed S01E03: "Horimiya.S01E03" and sent it to SAB');
  });

  it('describes download progress, completion and failure', () => {
    const b = movie();
    expect(describeObservation(b.progress({ id: HASH_A, fraction: 0.42, etaSeconds: 600 }))).toBe(
      'Downloading: 42%, 10 min left',
    );
    expect(describeObservation(b.progress({ id: HASH_A, fraction: 0.42, clientState: 'stalled' }))).toBe(
      'Download stalled at 42%',
    );
    expect(describeObservation(b.completed({ id: HASH_A, name: 'Movie' }))).toBe(
      'Download complete: "Movie"',
    );
    expect(describeObservation(b.failed({ id: HASH_A, reason: 'Not enough seeders' }))).toBe(
      'Download failed: Not enough seeders',
    );
  });

  it('describes imports, upgrades and blocked imports', () => {
    const b = show();
    expect(
      describeObservation(
        b.imported({
          id: HASH_A,
          episodes: [ep(1, 3)],
          files: [{ id: 1, path: '/tv/Show/Season 1/Show - S01E03.mkv' }],
        }),
      ),
    ).toBe('Sonarr imported S01E03 "Show - S01E03.mkv"');
    const m = movie();
    expect(
      describeObservation(
        m.imported({ id: HASH_A, files: [{ id: 2, path: '/movies/A/A.mkv' }], isUpgrade: true }),
      ),
    ).toBe('Radarr imported an upgrade');
    expect(describeObservation(m.imported({ files: [{ id: 2, path: '/movies/A/A.mkv' }] }))).toBe(
      'Radarr imported "A.mkv" (manual import)',
    );
    expect(
      describeObservation(m.blocked({ id: HASH_A, messages: ['Unable to parse file', 'No files'] })),
    ).toBe('Radarr cannot import the download: Unable to parse file; No files');
  });

  it('describes deletions, Shoko and Jellyfin', () => {
    const b = show();
    expect(describeObservation(b.available({ episodes: [ep(1, 2)] }))).toBe('Jellyfin has S01E02');
    expect(describeObservation(b.available())).toBe('Jellyfin has the series');
    expect(describeObservation(b.animeMatched({ path: '/mnt/anime/Show/ep 1.mkv' }))).toBe(
      'Shoko matched "ep 1.mkv"',
    );
    const m = movie();
    expect(describeObservation(m.available())).toBe('Available in Jellyfin');
    expect(describeObservation(m.deleted())).toBe('Removed from Radarr');
    expect(describeObservation(m.fileDeleted({ fileIds: [1], reason: 'upgrade' }))).toBe(
      'Radarr removed the old file after an upgrade',
    );
    expect(describeObservation(m.fileDeleted({ fileIds: [1, 2], reason: 'manual' }))).toBe(
      'Radarr deleted 2 files (manual)',
    );
    expect(describeObservation(m.added())).toBe('Added to Radarr');
  });
});

describe('describeState', () => {
  it('says what an anime request waits for', () => {
    expect(describeState('anime_matching', true)).toBe('Waiting for Shoko to match the files');
    expect(describeState('importing', true)).toBe('Matched by Shoko, waiting for Jellyfin');
    expect(describeState('importing', false)).toBe('Imported, waiting for Jellyfin');
    expect(describeState('downloading', false)).toBe('Downloading');
  });
});

describe('alreadyTold: a repeat that gets no timeline entry of its own', () => {
  it('knows the same step of the same download, and only that', () => {
    const b = movie();
    b.grabbed({ id: HASH_A });
    const [grab] = b.all;
    b.grabbed({ id: HASH_A.toLowerCase(), source: 'downloader' });
    b.grabbed({ id: HASH_B });
    b.imported({ id: HASH_A, files: [{ path: '/m/a.mkv' }] });
    const [, again, other, imported] = b.all;
    expect(alreadyTold(again!, [grab!])).toBe(true);
    expect(alreadyTold(other!, [grab!])).toBe(false);
    expect(alreadyTold(imported!, [grab!, again!])).toBe(false);
  });

  it('knows the request’s own steps once', () => {
    const b = movie();
    b.approved();
    b.approved({ automatic: true });
    const [first, second] = b.all;
    expect(alreadyTold(first!, [])).toBe(false);
    expect(alreadyTold(second!, [first!])).toBe(true);
  });

  it('knows Jellyfin has episodes only when every one was told before, however grouped', () => {
    const b = show();
    b.available({ episodes: [ep(1, 8), ep(1, 9)] });
    b.available({ episodes: [ep(1, 8)] });
    b.available({ episodes: [ep(1, 9), ep(1, 10)] });
    const [pair, eight, nineTen] = b.all;
    expect(alreadyTold(eight!, [pair!])).toBe(true);
    expect(alreadyTold(nineTen!, [pair!, eight!])).toBe(false);
  });
});
