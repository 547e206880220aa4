/** The states of a request or of one episode, exactly as the public API names them (api.md). */
export const STATES = [
  'requested',
  'approved',
  'grabbing',
  'downloading',
  'downloaded',
  'importing',
  'anime_matching',
  'available',
  'failed',
  'declined',
  'deleted',
] as const;
export type State = (typeof STATES)[number];

export type MediaType = 'movie' | 'tv';

/** Finished states: a request in one of these is closed (api.md `active=false`). */
export const FINISHED_STATES: readonly State[] = ['available', 'declined', 'deleted'];

export function isFinished(state: State): boolean {
  return FINISHED_STATES.includes(state);
}

/**
 * How far along the way to the library a state is, for "least advanced" aggregation of episodes.
 * Anime goes imported → anime_matching (waiting for Shoko) → importing (matched, waiting for Jellyfin),
 * so anime_matching ranks below importing; a non-anime item never shows anime_matching.
 * `failed`, `declined` and `deleted` are not on the way and have no rank.
 */
export const PROGRESS_RANK: Partial<Record<State, number>> = {
  requested: 0,
  approved: 1,
  grabbing: 2,
  downloading: 3,
  downloaded: 4,
  anime_matching: 5,
  importing: 6,
  available: 7,
};

/** Problem codes known to the core. Later rules (stalled, import_desync, ...) extend this union. */
export type ProblemCode =
  | 'download_failed'
  | 'request_failed'
  | 'import_blocked'
  | 'anime_not_matched'
  | 'no_release'
  | 'stalled'
  | 'metadata_stuck'
  | 'slow'
  | 'import_desync'
  | 'not_in_library';

/** Why a request is stuck or failed, in words a user understands. Data, not an exception. */
export interface Problem {
  code: ProblemCode;
  message: string;
  /** ISO 8601 UTC time the evidence for the problem was first seen. */
  since: string;
}
