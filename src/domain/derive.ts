import type {
  ArrRef,
  ClientDownloadState,
  DownloadRef,
  EpisodeRef,
  ObservationKind,
  ObservationSource,
  StoredObservation,
} from './observations.js';
import { downloadKey, episodeKey } from './observations.js';
import { stableJson } from './stable-json.js';
import type { MediaType, Problem, State } from './states.js';
import { PROGRESS_RANK } from './states.js';
import { DEFAULT_STUCK_THRESHOLDS, type Outage, type StuckThresholds, stuckProblem } from './stuck.js';

/**
 * The pure derivation core (architecture.md §4): the state of a movie, of each episode and of a
 * whole request is a function of the SET of observations attached to it. Observations are first
 * deduplicated by content and put in one canonical order (`at`, then `id`), so the order and the
 * duplication in which they arrived cannot change the result.
 */

export interface DeriveInput {
  mediaType: MediaType;
  /** Every observation attached to this request, in any order, duplicates possible. */
  observations: readonly StoredObservation[];
  /** ISO 8601 UTC. An episode whose air time is after `now` is unaired. */
  now: string;
  /** True when Jellyfin is not configured: Jellyseerr's `available_hint` then counts as available. */
  trustAvailableHint: boolean;
  /** How long each stage may take before it is a problem; defaults apply when absent. */
  thresholds?: StuckThresholds | undefined;
  /** Services that are down: their silence is not evidence of a stuck request. */
  outages?: ReadonlySet<Outage> | undefined;
}

export type DownloadState =
  | 'grabbed'
  | 'queued'
  | 'downloading'
  | 'stalled'
  | 'paused'
  | 'checking'
  | 'completed'
  | 'import_blocked'
  | 'imported'
  | 'failed';

export interface DownloadView {
  /** `downloadKey(downloadId)`: the key used for matching. */
  key: string;
  /** The id exactly as the *arr knows it. */
  downloadId: string;
  client: string | null;
  clientType: string | null;
  name: string | null;
  /** 0..1 */
  progress: number | null;
  state: DownloadState;
  sizeBytes: number | null;
  etaSeconds: number | null;
  speedBytesPerSecond: number | null;
  failureReason: string | null;
  /** The indexer of the release (from the grab), null when no grab named it. */
  indexer: string | null;
  /** The *arr's tags on the title when it was grabbed. */
  tags: string[];
  /** Distinct episodes the grab listed (0 for movies). */
  episodeCount: number;
}

export interface EpisodeView {
  seasonNumber: number;
  episodeNumber: number;
  title: string | null;
  state: State;
  /** 0..1 while the episode is on its way (grabbing/downloading/downloaded), else null. */
  progress: number | null;
  /** `yyyy-MM-dd` */
  airDate: string | null;
  aired: boolean;
  /** In the requested seasons (all seasons when none were requested). */
  inScope: boolean;
  sonarrEpisodeId: number | null;
  tvdbId: number | null;
  jellyfinId: string | null;
}

export interface RequestInfo {
  title: string | null;
  year: number | null;
  tmdbId: number | null;
  tvdbId: number | null;
  imdbId: string | null;
  posterUrl: string | null;
  requestedBy: string | null;
  jellyseerrRequestId: number | null;
  requestedSeasons: number[];
  jellyfinId: string | null;
  arr: ArrRef | null;
  isAnime: boolean;
}

export interface Derived {
  state: State;
  /** 0..1 download progress while something is on its way, else null. */
  progress: number | null;
  problem: Problem | null;
  info: RequestInfo;
  /** Sorted by season, episode; `[]` for movies. */
  episodes: EpisodeView[];
  /** Every download attempt, sorted by first seen (smallest observation id). */
  downloads: DownloadView[];
}

type Obs = StoredObservation;
type ObsOf<K extends ObservationKind> = Extract<Obs, { kind: K }>;

// ---------------------------------------------------------------------------------------------
// Canonical form: dedupe by content, order by (at, id)

// Observations are immutable once stored, so what is computed from one object is kept with it: a
// request is derived twice per change (facts, then stuck rules) and its objects are shared.
const contentKeys = new WeakMap<Obs, string>();
const times = new WeakMap<Obs, number>();

function contentKey(o: Obs): string {
  let key = contentKeys.get(o);
  if (key === undefined) {
    const { id: _id, ...content } = o;
    key = stableJson(content);
    contentKeys.set(o, key);
  }
  return key;
}

function timeOf(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

function obsTime(o: Obs): number {
  let t = times.get(o);
  if (t === undefined) {
    t = timeOf(o.at);
    times.set(o, t);
  }
  return t;
}

/** Canonical order: by time, then by id (the stated tie-break). */
function compareObs(a: Obs, b: Obs): number {
  return obsTime(a) - obsTime(b) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || a.id - b.id;
}

/** Equal facts stored twice (same content, different ids) count once, under their smallest id. */
function canonicalize(observations: readonly Obs[]): Obs[] {
  const byContent = new Map<string, Obs>();
  for (const o of observations) {
    const key = contentKey(o);
    const seen = byContent.get(key);
    if (!seen || o.id < seen.id) byContent.set(key, o);
  }
  return [...byContent.values()].sort(compareObs);
}

/** The last element of a canonically sorted list: the latest observation, ties broken by id. */
function latest<T>(sorted: readonly T[]): T | undefined {
  return sorted[sorted.length - 1];
}

/**
 * The value of the best-ranked observation that has one (lower rank wins); among equal ranks the
 * latest in canonical order wins. `obs` must be canonically sorted.
 */
function pick<I, T>(
  items: readonly I[],
  get: (item: I) => T | undefined,
  rank: (item: I) => number,
): T | undefined {
  let best: T | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const item of items) {
    const value = get(item);
    if (value === undefined) continue;
    const r = rank(item);
    if (r <= bestRank) {
      best = value;
      bestRank = r;
    }
  }
  return best;
}

const REQUEST_FIRST: Record<ObservationSource, number> = {
  jellyseerr: 0,
  radarr: 1,
  sonarr: 1,
  jellyfin: 2,
  shoko: 3,
  downloader: 4,
  tracker: 5,
};
const ARR_FIRST: Record<ObservationSource, number> = {
  ...REQUEST_FIRST,
  radarr: 0,
  sonarr: 0,
  jellyseerr: 1,
};
const SONARR_FIRST: Record<ObservationSource, number> = {
  ...REQUEST_FIRST,
  sonarr: 0,
  jellyfin: 1,
  jellyseerr: 2,
};
const JELLYFIN_FIRST: Record<ObservationSource, number> = { ...REQUEST_FIRST, jellyfin: 0, jellyseerr: 1 };

const bySource =
  (table: Record<ObservationSource, number>) =>
  (o: Obs): number =>
    table[o.source];

// ---------------------------------------------------------------------------------------------
// Episodes

/** Appends `value` to the list under `key`. */
function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function listsEpisodes(o: Obs): boolean {
  return (o.episodes?.length ?? 0) > 0;
}

function listsEpisode(o: Obs, key: string): boolean {
  return o.episodes?.some((e) => episodeKey(e) === key) ?? false;
}

// ---------------------------------------------------------------------------------------------
// Download attempts

function downloadOf(o: Obs): DownloadRef | undefined {
  switch (o.kind) {
    case 'grabbed':
    case 'download_progress':
    case 'download_completed':
    case 'download_failed':
    case 'import_blocked':
    case 'imported':
      return o.download;
    default:
      return undefined;
  }
}

interface Attempt {
  key: string;
  /** Every observation naming this download, canonical order. */
  all: Obs[];
  /**
   * The current attempt on this download: a grab seen after a failure of the same download id starts
   * over, so earlier progress cannot lift the new attempt and the old failure no longer counts.
   */
  live: Obs[];
  /** Episodes listed by any observation of the download. */
  covered: Set<string>;
  /** Episodes the grab(s) listed. */
  grabbedEpisodes: Set<string>;
  firstId: number;
  /** Size in bytes, or null when unknown. */
  sizeBytes: number | null;
}

function buildAttempts(obs: readonly Obs[]): Map<string, Attempt> {
  const attempts = new Map<string, Attempt>();
  for (const o of obs) {
    const download = downloadOf(o);
    if (!download) continue;
    const key = downloadKey(download.id);
    let attempt = attempts.get(key);
    if (!attempt) {
      attempt = {
        key,
        all: [],
        live: [],
        covered: new Set(),
        grabbedEpisodes: new Set(),
        firstId: o.id,
        sizeBytes: null,
      };
      attempts.set(key, attempt);
    }
    attempt.all.push(o);
    attempt.firstId = Math.min(attempt.firstId, o.id);
    for (const e of o.episodes ?? []) {
      attempt.covered.add(episodeKey(e));
      if (o.kind === 'grabbed') attempt.grabbedEpisodes.add(episodeKey(e));
    }
  }
  for (const attempt of attempts.values()) {
    let failedInSegment = false;
    for (const o of attempt.all) {
      if (o.kind === 'grabbed' && failedInSegment) {
        attempt.live = [];
        failedInSegment = false;
      }
      if (o.kind === 'download_failed') failedInSegment = true;
      attempt.live.push(o);
    }
    const positive = (o: Obs) => {
      const size = downloadOf(o)?.sizeBytes;
      return size !== undefined && size > 0 ? size : undefined;
    };
    // The client knows the bytes it really downloads; the grab has the indexer's release size.
    attempt.sizeBytes =
      pick(attempt.all, positive, (o) => (o.source === 'downloader' ? 0 : o.kind === 'grabbed' ? 1 : 2)) ??
      null;
  }
  return attempts;
}

const Phase = { none: 0, grabbing: 1, downloading: 2, downloaded: 3, imported: 4 } as const;
type Phase = (typeof Phase)[keyof typeof Phase];

const PHASE_STATE: Record<Phase, State | null> = {
  [Phase.none]: null,
  [Phase.grabbing]: 'grabbing',
  [Phase.downloading]: 'downloading',
  [Phase.downloaded]: 'downloaded',
  [Phase.imported]: 'importing',
};

interface AttemptStatus {
  attempt: Attempt;
  phase: Phase;
  /** Has a failure and never got as far as an import. */
  failed: boolean;
  /** Earliest and latest failure of the attempt. */
  firstFailure: ObsOf<'download_failed'> | undefined;
  lastFailure: ObsOf<'download_failed'> | undefined;
  /** import_blocked observations, when not imported. */
  blocked: ObsOf<'import_blocked'>[];
  latestProgress: ObsOf<'download_progress'> | undefined;
  /** 0..1 for progress aggregation. */
  progress: number;
}

function phaseOf(o: Obs): Phase {
  switch (o.kind) {
    case 'grabbed':
      return Phase.grabbing;
    case 'download_progress':
      return o.clientState === 'completed' || o.fraction >= 1 ? Phase.downloaded : Phase.downloading;
    case 'download_completed':
    case 'import_blocked':
      return Phase.downloaded;
    case 'imported':
      return Phase.imported;
    default:
      return Phase.none;
  }
}

/** Status of an attempt over the given subset of its live observations (canonically sorted). */
function attemptStatus(attempt: Attempt, obs: readonly Obs[]): AttemptStatus {
  let phase: Phase = Phase.none;
  const failures: ObsOf<'download_failed'>[] = [];
  const blocked: ObsOf<'import_blocked'>[] = [];
  let latestProgress: ObsOf<'download_progress'> | undefined;
  for (const o of obs) {
    phase = Math.max(phase, phaseOf(o)) as Phase;
    if (o.kind === 'download_failed') failures.push(o);
    if (o.kind === 'import_blocked') blocked.push(o);
    if (o.kind === 'download_progress') latestProgress = o;
  }
  const imported = phase === Phase.imported;
  const fraction = latestProgress ? Math.min(1, Math.max(0, latestProgress.fraction)) : 0;
  return {
    attempt,
    phase,
    failed: failures.length > 0 && !imported,
    firstFailure: failures[0],
    lastFailure: latest(failures),
    blocked: imported ? [] : blocked,
    latestProgress,
    progress: phase >= Phase.downloaded ? 1 : fraction,
  };
}

/** Size-weighted mean when every size is known, plain mean otherwise; null for no downloads. */
function aggregateProgress(statuses: readonly AttemptStatus[]): number | null {
  if (statuses.length === 0) return null;
  const sizes = statuses.map((s) => s.attempt.sizeBytes);
  if (sizes.every((size): size is number => size !== null)) {
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const done = statuses.reduce((sum, s, i) => sum + s.progress * (sizes[i] ?? 0), 0);
    return done / total;
  }
  return statuses.reduce((sum, s) => sum + s.progress, 0) / statuses.length;
}

// ---------------------------------------------------------------------------------------------
// One item: a movie, one episode, or a TV request without known episodes

interface ItemEvidence {
  /** Non-download facts about the item (requested, approved, available, deleted, ...). */
  own: Obs[];
  /** Download attempts covering the item, each with the live observations that concern the item. */
  attempts: { attempt: Attempt; obs: Obs[] }[];
  /** Imports of the item's files (with or without a download). */
  imports: ObsOf<'imported'>[];
  animeMatched: boolean;
  /** Shoko's FileNotMatched reports for the item's imported files. */
  animeNotMatched: ObsOf<'anime_not_matched'>[];
  /**
   * Whether anything beyond a pending request is known (an *arr, Shoko or Jellyfin has seen the
   * item): it was approved then, even when that event was missed. Monotone in the set of facts.
   */
  pastRequest: boolean;
}

interface ItemResult {
  state: State;
  problem: Problem | null;
  /** Attempts still on their way (not failed, not imported): the ones progress is computed over. */
  active: AttemptStatus[];
  /** Latest failure when the item failed because of its downloads. */
  lastFailure: ObsOf<'download_failed'> | undefined;
}

interface DeriveContext {
  mediaType: MediaType;
  isAnime: boolean;
  trustAvailableHint: boolean;
  deletedFileIds: Set<number>;
}

/** An import counts unless every file id it carries was deleted (files without id always count). */
function importCounts(o: ObsOf<'imported'>, deletedFileIds: Set<number>): boolean {
  if (o.files.length === 0) return true;
  return o.files.some((f) => f.id === undefined || !deletedFileIds.has(f.id));
}

function arrName(mediaType: MediaType): string {
  return mediaType === 'movie' ? 'Radarr' : 'Sonarr';
}

function deriveItem(ctx: DeriveContext, item: ItemEvidence): ItemResult {
  const has = (kind: ObservationKind) => item.own.some((o) => o.kind === kind);
  const result = (state: State, problem: Problem | null = null): ItemResult => ({
    state,
    problem,
    active: [],
    lastFailure: undefined,
  });

  if (has('deleted')) return result('deleted');
  if (has('available') || (ctx.trustAvailableHint && has('available_hint'))) return result('available');
  const activity = item.attempts.length > 0 || item.imports.length > 0;
  if (has('declined') && !activity) return result('declined');

  if (item.imports.some((o) => importCounts(o, ctx.deletedFileIds))) {
    if (!ctx.isAnime || item.animeMatched) return result('importing');
    const notMatched = [...item.animeNotMatched].sort(compareObs);
    const first = notMatched[0];
    const last = notMatched[notMatched.length - 1];
    return result(
      'anime_matching',
      first && last
        ? {
            code: 'anime_not_matched',
            message: `Shoko could not match "${fileName(last.path)}": ${last.reason}`,
            since: first.at,
          }
        : null,
    );
  }

  const statuses = item.attempts.map(({ attempt, obs }) => attemptStatus(attempt, obs));
  // An attempt whose import no longer counts (its files were deleted) is spent: it is neither on
  // its way nor failed, and the item waits for the *arr to grab again.
  const active = statuses.filter((s) => !s.failed && s.phase < Phase.imported && s.phase > Phase.none);
  if (active.length > 0) {
    const phase = Math.max(...active.map((s) => s.phase)) as Phase;
    const blocked = active.flatMap((s) => s.blocked).sort(compareObs);
    const first = blocked[0];
    const problem: Problem | null = first
      ? {
          code: 'import_blocked',
          message: `${arrName(ctx.mediaType)} cannot import the download: ${[...new Set(blocked.flatMap((b) => b.messages))].join('; ')}`,
          since: first.at,
        }
      : null;
    return { state: PHASE_STATE[phase] ?? 'grabbing', problem, active, lastFailure: undefined };
  }

  const failed = statuses.filter((s) => s.failed);
  if (failed.length > 0) {
    // The item failed when its last attempt failed; the message is that failure's reason.
    const last = failed.reduce((a, b) =>
      a.lastFailure && b.lastFailure && compareObs(a.lastFailure, b.lastFailure) >= 0 ? a : b,
    );
    const reason = last.lastFailure?.reason ?? 'unknown reason';
    return {
      state: 'failed',
      problem: {
        code: 'download_failed',
        message: `Download failed: ${reason}`,
        since: last.firstFailure?.at ?? last.lastFailure?.at ?? '',
      },
      active: [],
      lastFailure: last.lastFailure,
    };
  }

  const requestFailures = item.own.filter((o) => o.kind === 'request_failed');
  const lastRequestFailure = latest(requestFailures);
  // Jellyseerr's failure is moot once the *arr has the item, or once it was approved again later.
  const requestFailureStands =
    lastRequestFailure !== undefined &&
    !has('added') &&
    !item.own.some((o) => o.kind === 'approved' && timeOf(o.at) > timeOf(lastRequestFailure.at));
  if (requestFailureStands && requestFailures[0]) {
    return result('failed', {
      code: 'request_failed',
      message: `Jellyseerr could not send the request to ${arrName(ctx.mediaType)}`,
      since: requestFailures[0].at,
    });
  }
  if (has('approved') || has('added')) return result('approved');
  return result(item.pastRequest ? 'approved' : 'requested');
}

// ---------------------------------------------------------------------------------------------
// Info

const REQUEST_LEVEL_KINDS: ReadonlySet<ObservationKind> = new Set<ObservationKind>([
  'requested',
  'approved',
  'declined',
  'deleted',
  'added',
  'available_hint',
  'request_failed',
]);

const OWN_KINDS: ReadonlySet<ObservationKind> = new Set<ObservationKind>([
  ...REQUEST_LEVEL_KINDS,
  'available',
]);

function deriveInfo(obs: readonly Obs[], mediaType: MediaType): RequestInfo {
  const requestFirst = bySource(REQUEST_FIRST);
  const seasons = pick(
    obs,
    (o) => (o.requestedSeasons && o.requestedSeasons.length > 0 ? o.requestedSeasons : undefined),
    requestFirst,
  );
  const jellyfinId =
    mediaType === 'movie'
      ? pick(
          obs,
          (o) => (o.kind === 'available' ? (o.jellyfinId ?? o.media.jellyfinId) : undefined),
          bySource(JELLYFIN_FIRST),
        )
      : pick(obs, (o) => o.media.jellyfinId, bySource(JELLYFIN_FIRST));
  return {
    title: pick(obs, (o) => o.media.title, requestFirst) ?? null,
    year: pick(obs, (o) => o.media.year, requestFirst) ?? null,
    tmdbId: pick(obs, (o) => o.media.tmdbId, requestFirst) ?? null,
    tvdbId: pick(obs, (o) => o.media.tvdbId, requestFirst) ?? null,
    imdbId: pick(obs, (o) => o.media.imdbId, requestFirst) ?? null,
    posterUrl: pick(obs, (o) => o.media.posterUrl, requestFirst) ?? null,
    requestedBy: pick(obs, (o) => o.requestedBy, requestFirst) ?? null,
    jellyseerrRequestId: pick(obs, (o) => o.jellyseerrRequestId, requestFirst) ?? null,
    requestedSeasons: [...new Set(seasons ?? [])].sort((a, b) => a - b),
    jellyfinId: jellyfinId ?? null,
    arr: pick(obs, (o) => o.media.arr, bySource(ARR_FIRST)) ?? null,
    isAnime: obs.some((o) => o.media.isAnime === true),
  };
}

// ---------------------------------------------------------------------------------------------
// Downloads

const CLIENT_STATE_VIEW: Record<ClientDownloadState, DownloadState> = {
  queued: 'queued',
  metadata: 'downloading',
  downloading: 'downloading',
  stalled: 'stalled',
  paused: 'paused',
  checking: 'checking',
  completed: 'completed',
  failed: 'failed',
  missing_files: 'stalled',
};

function downloadView(attempt: Attempt): DownloadView {
  const status = attemptStatus(attempt, attempt.live);
  let state: DownloadState;
  if (status.phase === Phase.imported) state = 'imported';
  else if (status.failed) state = 'failed';
  else if (status.blocked.length > 0) state = 'import_blocked';
  else if (status.phase === Phase.downloaded) state = 'completed';
  else if (status.latestProgress) state = CLIENT_STATE_VIEW[status.latestProgress.clientState];
  else state = 'grabbed';

  const arrFirst = bySource(ARR_FIRST);
  const grabFirst = (o: Obs) => (o.kind === 'grabbed' ? 0 : 1) * 10 + ARR_FIRST[o.source];
  const finished =
    state === 'imported' || state === 'failed' || state === 'completed' || state === 'import_blocked';
  const progress = status.latestProgress;
  return {
    key: attempt.key,
    downloadId: pick(attempt.all, (o) => downloadOf(o)?.id, grabFirst) ?? attempt.key,
    client: pick(attempt.all, (o) => downloadOf(o)?.client, grabFirst) ?? null,
    clientType: pick(attempt.all, (o) => downloadOf(o)?.clientType, arrFirst) ?? null,
    name:
      pick(
        attempt.all,
        (o) => downloadOf(o)?.name ?? (o.kind === 'grabbed' ? o.releaseTitle : undefined),
        grabFirst,
      ) ?? null,
    progress:
      status.phase >= Phase.downloaded ? 1 : progress ? Math.min(1, Math.max(0, progress.fraction)) : null,
    state,
    sizeBytes: attempt.sizeBytes,
    etaSeconds: finished ? null : (progress?.etaSeconds ?? null),
    speedBytesPerSecond: finished ? null : (progress?.speedBytesPerSecond ?? null),
    failureReason: status.failed ? (status.lastFailure?.reason ?? null) : null,
    indexer: pick(attempt.all, (o) => (o.kind === 'grabbed' ? o.indexer : undefined), grabFirst) ?? null,
    tags: pick(attempt.all, (o) => (o.kind === 'grabbed' ? o.tags : undefined), grabFirst) ?? [],
    episodeCount: attempt.grabbedEpisodes.size,
  };
}

// ---------------------------------------------------------------------------------------------
// Request

const ON_THE_WAY: ReadonlySet<State> = new Set<State>(['grabbing', 'downloading', 'downloaded']);

function fileName(path: string): string {
  return path.split(/[\\/]+/).pop() ?? path;
}

/** The file name, for comparing paths seen under different mount roots. */
function pathTail(path: string): string {
  return fileName(path).toLowerCase();
}

/**
 * Whether Shoko matched the files of an import it did not name episodes for. Shoko sees the files
 * under another mount root, so files are compared by name. Which file of a multi-episode import
 * holds which episode is not known (edge case 37), so such an import counts as matched only once
 * every one of its files is: an episode never shows as matched too early.
 */
function importMatchedByPath(o: ObsOf<'imported'>, matchedTails: ReadonlySet<string>): boolean {
  const tails = o.files.map((f) => pathTail(f.path));
  if (tails.length === 0) return false;
  return (o.episodes?.length ?? 0) > 1
    ? tails.every((t) => matchedTails.has(t))
    : tails.some((t) => matchedTails.has(t));
}

export function deriveRequest(input: DeriveInput): Derived {
  const derived = deriveFacts(input);
  if (derived.problem !== null) return derived;
  const problem = stuckProblem({
    mediaType: input.mediaType,
    state: derived.state,
    isAnime: derived.info.isAnime,
    downloads: derived.downloads,
    observations: canonicalize(input.observations),
    now: input.now,
    thresholds: input.thresholds ?? DEFAULT_STUCK_THRESHOLDS,
    outages: input.outages ?? new Set(),
  });
  return problem ? { ...derived, problem } : derived;
}

/** State, episodes, downloads and the problems the facts themselves show (no clock involved). */
function deriveFacts(input: DeriveInput): Derived {
  const obs = canonicalize(input.observations);
  const info = deriveInfo(obs, input.mediaType);
  const attempts = buildAttempts(obs);
  const deletedFileIds = new Set(obs.flatMap((o) => (o.kind === 'file_deleted' ? o.fileIds : [])));
  const ctx: DeriveContext = {
    mediaType: input.mediaType,
    isAnime: info.isAnime,
    trustAvailableHint: input.trustAvailableHint,
    deletedFileIds,
  };
  const downloads = [...attempts.values()]
    .sort((a, b) => a.firstId - b.firstId || (a.key < b.key ? -1 : 1))
    .map(downloadView);
  const imports = obs.filter((o): o is ObsOf<'imported'> => o.kind === 'imported');

  if (input.mediaType === 'movie') {
    const item = deriveItem(ctx, {
      own: obs.filter((o) => OWN_KINDS.has(o.kind)),
      attempts: [...attempts.values()].map((attempt) => ({ attempt, obs: attempt.live })),
      imports,
      animeMatched: obs.some((o) => o.kind === 'anime_matched'),
      animeNotMatched: obs.filter((o): o is ObsOf<'anime_not_matched'> => o.kind === 'anime_not_matched'),
      pastRequest: obs.some((o) => o.kind !== 'requested'),
    });
    return {
      state: item.state,
      progress: ON_THE_WAY.has(item.state) ? aggregateProgress(item.active) : null,
      problem: item.problem,
      info,
      episodes: [],
      downloads,
    };
  }
  return deriveTv({ input, obs, info, attempts, ctx, imports, downloads });
}

interface TvArgs {
  input: DeriveInput;
  obs: Obs[];
  info: RequestInfo;
  attempts: Map<string, Attempt>;
  ctx: DeriveContext;
  imports: ObsOf<'imported'>[];
  downloads: DownloadView[];
}

interface EpisodeWork {
  key: string;
  view: EpisodeView;
  result: ItemResult;
  /** Counted towards the request state: aired, or with download/import/availability activity. */
  counts: boolean;
}

function isAired(ref: { airDate: string | undefined; airDateUtc: string | undefined }, now: string): boolean {
  const nowTime = Date.parse(now);
  const airTime = ref.airDateUtc
    ? Date.parse(ref.airDateUtc)
    : ref.airDate
      ? Date.parse(`${ref.airDate}T00:00:00Z`)
      : Number.NaN;
  if (Number.isNaN(airTime) || Number.isNaN(nowTime)) return true;
  return airTime <= nowTime;
}

function deriveTv({ input, obs, info, attempts, ctx, imports, downloads }: TvArgs): Derived {
  const requestLevel = obs.filter((o) => !listsEpisodes(o) && REQUEST_LEVEL_KINDS.has(o.kind));
  const hasRequestLevel = (kind: ObservationKind) => requestLevel.some((o) => o.kind === kind);
  const countedImports = imports.filter((o) => importCounts(o, ctx.deletedFileIds));
  const matchedTails = new Set(
    obs.flatMap((o) => (o.kind === 'anime_matched' && !listsEpisodes(o) ? [pathTail(o.path)] : [])),
  );

  // Episode identities and their merged details.
  const refs = new Map<string, { o: Obs; ref: EpisodeRef }[]>();
  for (const o of obs) for (const ref of o.episodes ?? []) addTo(refs, episodeKey(ref), { o, ref });

  // Indexes by episode, built once: looking each episode up in every observation would make a long
  // series (hundreds of episodes and observations) cost episodes × observations per derive.
  const listedBy = new Map<string, Obs[]>();
  for (const [key, list] of refs) listedBy.set(key, [...new Set(list.map((x) => x.o))]);
  const attemptsOf = new Map<string, Attempt[]>();
  for (const attempt of attempts.values()) for (const key of attempt.covered) addTo(attemptsOf, key, attempt);
  const importsOf = new Map<string, ObsOf<'imported'>[]>();
  for (const o of imports) {
    const covered = o.download ? attempts.get(downloadKey(o.download.id))?.covered : undefined;
    const keys = listsEpisodes(o) ? new Set((o.episodes ?? []).map(episodeKey)) : (covered ?? []);
    for (const key of keys) addTo(importsOf, key, o);
  }
  const notMatched = obs.filter((o): o is ObsOf<'anime_not_matched'> => o.kind === 'anime_not_matched');

  const scope = new Set(info.requestedSeasons);
  const episodes: EpisodeWork[] = [];
  for (const [key, list] of refs) {
    const first = list[0];
    if (!first) continue;
    const field = <T>(get: (ref: EpisodeRef) => T | undefined, table = SONARR_FIRST) =>
      pick(
        list,
        (x) => get(x.ref),
        (x) => table[x.o.source],
      );
    const airDateUtc = field((r) => r.airDateUtc);
    const airDate = field((r) => r.airDate) ?? airDateUtc?.slice(0, 10);

    const listing = listedBy.get(key) ?? [];
    const epAttempts = (attemptsOf.get(key) ?? []).map((attempt) => ({
      attempt,
      obs: attempt.live.filter((o) => !listsEpisodes(o) || listsEpisode(o, key)),
    }));
    const epImports = importsOf.get(key) ?? [];
    const animeMatched =
      listing.some((o) => o.kind === 'anime_matched') ||
      epImports.some((o) => importCounts(o, ctx.deletedFileIds) && importMatchedByPath(o, matchedTails));
    // The request-level facts and this episode's own, in canonical order.
    const own = [...requestLevel, ...listing.filter((o) => OWN_KINDS.has(o.kind))].sort(compareObs);
    const importedTails = new Set(epImports.flatMap((o) => o.files.map((f) => pathTail(f.path))));
    const result = deriveItem(ctx, {
      own,
      attempts: epAttempts,
      imports: epImports,
      animeMatched,
      animeNotMatched: notMatched.filter((o) => listsEpisode(o, key) || importedTails.has(pathTail(o.path))),
      pastRequest: true,
    });
    const aired = isAired({ airDate, airDateUtc }, input.now);
    const active = epAttempts.length > 0 || epImports.length > 0 || result.state === 'available';
    const view: EpisodeView = {
      seasonNumber: first.ref.seasonNumber,
      episodeNumber: first.ref.episodeNumber,
      title: field((r) => r.title) ?? null,
      state: result.state,
      progress: ON_THE_WAY.has(result.state) ? aggregateProgress(result.active) : null,
      airDate: airDate ?? null,
      aired,
      inScope: scope.size === 0 || scope.has(first.ref.seasonNumber),
      sonarrEpisodeId: field((r) => r.sonarrEpisodeId) ?? null,
      tvdbId: field((r) => r.tvdbId) ?? null,
      jellyfinId: field((r) => r.jellyfinId, JELLYFIN_FIRST) ?? null,
    };
    episodes.push({ key, view, result, counts: view.inScope && (aired || active) });
  }
  episodes.sort(
    (a, b) => a.view.seasonNumber - b.view.seasonNumber || a.view.episodeNumber - b.view.episodeNumber,
  );

  const base = { info, episodes: episodes.map((e) => e.view), downloads };
  const finish = (state: State, problem: Problem | null = null, progress: number | null = null): Derived => ({
    state,
    progress,
    problem,
    ...base,
  });

  const anyActivity = attempts.size > 0 || imports.length > 0;
  if (hasRequestLevel('deleted')) return finish('deleted');
  if (hasRequestLevel('declined') && !anyActivity) return finish('declined');
  if (ctx.trustAvailableHint && hasRequestLevel('available_hint')) return finish('available');

  const counted = episodes.filter((e) => e.counts);
  if (counted.length === 0) {
    // No episode to summarise: the request-level facts decide, with downloads and imports that name
    // no episode at all (a series-level Jellyfin item is not proof of the requested episodes).
    const unattributed = [...attempts.values()].filter((a) => a.covered.size === 0);
    const unattributedKeys = new Set(unattributed.map((a) => a.key));
    const item = deriveItem(ctx, {
      own: requestLevel,
      attempts: unattributed.map((attempt) => ({ attempt, obs: attempt.live })),
      imports: countedImports.filter(
        (o) =>
          !listsEpisodes(o) && (o.download === undefined || unattributedKeys.has(downloadKey(o.download.id))),
      ),
      animeMatched: obs.some((o) => o.kind === 'anime_matched' && !listsEpisodes(o)),
      animeNotMatched: obs.filter(
        (o): o is ObsOf<'anime_not_matched'> => o.kind === 'anime_not_matched' && !listsEpisodes(o),
      ),
      pastRequest: obs.some((o) => o.kind !== 'requested'),
    });
    return finish(
      item.state,
      item.problem,
      ON_THE_WAY.has(item.state) ? aggregateProgress(item.active) : null,
    );
  }

  const state = summarise(counted.map((e) => e.view.state));
  const onTheWay = counted.filter((e) => ON_THE_WAY.has(e.view.state));
  const activeByKey = new Map<string, AttemptStatus>();
  for (const e of onTheWay) {
    for (const s of e.result.active) {
      if (!activeByKey.has(s.attempt.key))
        activeByKey.set(s.attempt.key, attemptStatus(s.attempt, s.attempt.live));
    }
  }
  const progress = onTheWay.length > 0 ? aggregateProgress([...activeByKey.values()]) : null;
  return finish(state, tvProblem(counted, state), progress);
}

/** `available` only when every counted episode is; else the least advanced episode on its way. */
function summarise(states: readonly State[]): State {
  if (states.every((s) => s === 'available')) return 'available';
  const pending = states.filter((s) => s !== 'available' && PROGRESS_RANK[s] !== undefined);
  if (pending.length > 0) {
    return pending.reduce((a, b) => ((PROGRESS_RANK[b] ?? 0) < (PROGRESS_RANK[a] ?? 0) ? b : a));
  }
  if (states.includes('failed')) return 'failed';
  if (states.includes('deleted')) return 'deleted';
  return 'declined';
}

/**
 * The request's problem from its episodes: an import the *arr needs help with comes first (it is
 * what holds the request up and it can be fixed), then failed downloads, counted in episodes.
 */
function tvProblem(episodes: readonly EpisodeWork[], state: State): Problem | null {
  const problems = episodes
    .map((e) => ({ e, p: e.result.problem }))
    .filter((x): x is { e: EpisodeWork; p: Problem } => x.p !== null);
  const earliest = (list: typeof problems) =>
    [...list].sort(
      (a, b) =>
        timeOf(a.p.since) - timeOf(b.p.since) ||
        (a.p.message < b.p.message ? -1 : a.p.message > b.p.message ? 1 : 0),
    )[0];

  const blocked = earliest(problems.filter((x) => x.p.code === 'import_blocked'));
  if (blocked && state !== 'failed') return blocked.p;

  const failed = problems.filter((x) => x.p.code === 'download_failed');
  if (failed.length > 0) {
    const last = failed
      .map((x) => x.e.result.lastFailure)
      .filter((f) => f !== undefined)
      .sort(compareObs)
      .pop();
    const n = failed.length;
    const first = earliest(failed);
    return {
      code: 'download_failed',
      message: `Download failed for ${n} episode${n === 1 ? '' : 's'}: ${last?.reason ?? 'unknown reason'}`,
      since: first?.p.since ?? '',
    };
  }
  return earliest(problems)?.p ?? null;
}
