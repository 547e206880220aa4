import type { ProblemCode } from '../domain/states.js';

/** What the tracker can do about a stuck request. */
export const ACTION_NAMES = [
  'force_import',
  'refresh_downloads',
  'search',
  'remove_and_search',
  'jellyfin_scan',
  'shoko_rescan',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export interface ActionSpec {
  /** Button text. */
  label: string;
  /**
   * Runs by itself unless `AUTO_ACTIONS` says otherwise: the fixes that only ask a service to look
   * again and cost little. `search` hammers indexers and `remove_and_search` throws a download away:
   * they run when a person asks, or when `AUTO_ACTIONS` names them.
   */
  automaticByDefault: boolean;
}

export const ACTIONS: Record<ActionName, ActionSpec> = {
  force_import: { label: 'Import the completed download', automaticByDefault: true },
  refresh_downloads: { label: 'Refresh monitored downloads', automaticByDefault: true },
  search: { label: 'Search again', automaticByDefault: false },
  remove_and_search: { label: 'Remove, blocklist and search again', automaticByDefault: false },
  jellyfin_scan: { label: 'Ask Jellyfin to scan', automaticByDefault: true },
  shoko_rescan: { label: 'Ask Shoko to rescan', automaticByDefault: true },
};

/** `AUTO_ACTIONS` when unset. */
export const DEFAULT_AUTO_ACTIONS: ActionName[] = ACTION_NAMES.filter(
  (name) => ACTIONS[name].automaticByDefault,
);

/** The actions that may help with each problem, most useful first; the first one allowed to run by itself is the automatic fix. */
export const ACTIONS_FOR_PROBLEM: Record<ProblemCode, ActionName[]> = {
  no_release: ['search'],
  stalled: ['remove_and_search'],
  metadata_stuck: ['remove_and_search'],
  slow: ['remove_and_search'],
  import_desync: ['force_import', 'refresh_downloads'],
  import_blocked: ['refresh_downloads', 'force_import'],
  not_in_library: ['jellyfin_scan'],
  anime_not_matched: ['shoko_rescan'],
  download_failed: ['search', 'remove_and_search'],
  request_failed: [],
};

export function isActionName(value: string): value is ActionName {
  return (ACTION_NAMES as readonly string[]).includes(value);
}
