import type { DownloadView } from './derive.js';
import { downloadKey, type StoredObservation } from './observations.js';
import type { Problem, State } from './states.js';

/**
 * How long each stage may take before a request counts as stuck, in minutes. Configurable
 * (`STUCK_*_MINUTES`); `slow` is off unless set.
 */
export interface StuckThresholds {
  /** Approved, and Radarr/Sonarr has grabbed nothing. */
  noReleaseMinutes: number;
  /** A download the client reports stalled (no peers, no bytes). */
  stalledMinutes: number;
  /** A magnet still fetching its metadata. */
  metadataMinutes: number;
  /** Downloaded, and Radarr/Sonarr has not imported it. */
  notImportedMinutes: number;
  /** Imported, and Jellyfin does not have it. */
  notInLibraryMinutes: number;
  /** Imported anime Shoko has not matched, without saying why. */
  animeMatchMinutes: number;
  /** A download whose ETA is longer than this; null: off. */
  slowMinutes: number | null;
}

export const DEFAULT_STUCK_THRESHOLDS: StuckThresholds = {
  noReleaseMinutes: 120,
  stalledMinutes: 30,
  metadataMinutes: 15,
  notImportedMinutes: 20,
  notInLibraryMinutes: 30,
  animeMatchMinutes: 60,
  slowMinutes: null,
};

/** Services whose silence must not count as evidence: they are down (the outage guard). */
export type Outage = 'downloader' | 'arr' | 'jellyfin' | 'shoko';

type Obs = StoredObservation;

function time(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  // Thresholds under a minute (the demo's, a test's) would otherwise read "0 minutes".
  if (m < 1) return 'less than a minute';
  if (m < 90) return `${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.round(m / 60);
  return `${h} hour${h === 1 ? '' : 's'}`;
}

/** Latest observation time among those that pass, or undefined. */
function latestAt(obs: readonly Obs[], pass: (o: Obs) => boolean): number | undefined {
  let at: number | undefined;
  for (const o of obs) if (pass(o)) at = Math.max(at ?? 0, time(o.at));
  return at;
}

/**
 * Since when a download has been in `clientState` without a break: the first report of that state
 * after the latest report of any other state (progress reports are pruned to the first and the
 * latest of each state, so this is exact to the poll that saw the change).
 */
function inClientStateSince(obs: readonly Obs[], key: string, clientState: string): number | undefined {
  let since: number | undefined;
  for (const o of obs) {
    if (o.kind !== 'download_progress' || downloadKey(o.download.id) !== key) continue;
    if (o.clientState === clientState) since ??= time(o.at);
    else since = undefined;
  }
  return since;
}

function arrOf(mediaType: 'movie' | 'tv'): string {
  return mediaType === 'movie' ? 'Radarr' : 'Sonarr';
}

/**
 * The "stuck" problem of a request that has no other problem: which stage it is in, since when, and
 * whether that is longer than its threshold. Pure: time comes in as `now`.
 */
export function stuckProblem(input: {
  mediaType: 'movie' | 'tv';
  state: State;
  isAnime: boolean;
  downloads: readonly DownloadView[];
  observations: readonly Obs[];
  now: string;
  thresholds: StuckThresholds;
  outages: ReadonlySet<Outage>;
}): Problem | null {
  const { state, observations: obs, thresholds: limit, outages } = input;
  const now = time(input.now);
  const arr = arrOf(input.mediaType);
  const problem = (code: Problem['code'], message: string, since: number): Problem => ({
    code,
    message,
    since: new Date(since).toISOString(),
  });
  const over = (since: number | undefined, thresholdMinutes: number) =>
    since !== undefined && now - since >= thresholdMinutes * 60_000;

  if (state === 'approved' && !outages.has('arr')) {
    const since = latestAt(obs, (o) => o.kind === 'approved' || o.kind === 'added' || o.kind === 'requested');
    if (over(since, limit.noReleaseMinutes)) {
      return problem(
        'no_release',
        `${arr} has not grabbed a release in ${minutes(now - since!)}: it may find none that fits the quality profile`,
        since!,
      );
    }
  }

  if ((state === 'grabbing' || state === 'downloading') && !outages.has('downloader')) {
    // Handed to the client, and no client has said a word about it since.
    const onTheWay = input.downloads.filter((d) => d.state !== 'imported' && d.state !== 'failed');
    if (onTheWay.length > 0 && onTheWay.every((d) => d.state === 'grabbed')) {
      const since = latestAt(obs, (o) => o.kind === 'grabbed');
      if (over(since, limit.stalledMinutes)) {
        return problem(
          'stalled',
          `${arr} sent the release to the download client ${minutes(now - since!)} ago, and no download client has reported it since (is the client configured in the tracker and running?)`,
          since!,
        );
      }
    }
    for (const d of input.downloads) {
      for (const waiting of ['paused', 'queued'] as const) {
        const since = d.state === waiting ? inClientStateSince(obs, d.key, waiting) : undefined;
        if (over(since, limit.stalledMinutes)) {
          return problem(
            'stalled',
            `The download has been ${waiting} in ${d.client ?? 'the download client'} for ${minutes(now - since!)}`,
            since!,
          );
        }
      }
      const stalled = d.state === 'stalled' ? inClientStateSince(obs, d.key, 'stalled') : undefined;
      if (over(stalled, limit.stalledMinutes)) {
        return problem(
          'stalled',
          `The download has been stalled for ${minutes(now - stalled!)} (no peers or no data arriving)`,
          stalled!,
        );
      }
      const metadata = inClientStateSince(obs, d.key, 'metadata');
      if (d.state === 'downloading' && over(metadata, limit.metadataMinutes)) {
        return problem(
          'metadata_stuck',
          `The download has been fetching its metadata for ${minutes(now - metadata!)}: the magnet link finds no peers`,
          metadata!,
        );
      }
      if (limit.slowMinutes !== null && d.etaSeconds !== null && d.etaSeconds > limit.slowMinutes * 60) {
        return problem(
          'slow',
          `The download needs ${minutes(d.etaSeconds * 1000)} more at its current speed`,
          now,
        );
      }
    }
  }

  if (state === 'downloaded' && !outages.has('arr')) {
    const since = latestAt(
      obs,
      (o) =>
        o.kind === 'download_completed' ||
        (o.kind === 'download_progress' && (o.clientState === 'completed' || o.fraction >= 1)),
    );
    if (over(since, limit.notImportedMinutes)) {
      return problem(
        'import_desync',
        `Downloaded ${minutes(now - since!)} ago, but ${arr} has not imported it`,
        since!,
      );
    }
  }

  if (state === 'anime_matching' && !outages.has('shoko')) {
    const since = latestAt(obs, (o) => o.kind === 'imported');
    if (over(since, limit.animeMatchMinutes)) {
      return problem(
        'anime_not_matched',
        `Shoko has not matched the imported file in ${minutes(now - since!)}: it may need a manual match in Shoko`,
        since!,
      );
    }
  }

  if (state === 'importing' && !outages.has('jellyfin')) {
    const since = latestAt(obs, (o) => o.kind === 'imported' || o.kind === 'anime_matched');
    if (over(since, limit.notInLibraryMinutes)) {
      return problem(
        'not_in_library',
        `${arr} imported it ${minutes(now - since!)} ago, but Jellyfin does not have it yet`,
        since!,
      );
    }
  }
  return null;
}
