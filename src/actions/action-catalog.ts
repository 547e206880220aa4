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
   * Safe actions only ask a service to look again; they run automatically unless turned off
   * (`AUTO_ACTIONS`). The others change something (remove a download, blocklist a release) and run
   * only when a person asks, or when `AUTO_ACTIONS` names them.
   */
  safe: boolean;
}

export const ACTIONS: Record<ActionName, ActionSpec> = {
  force_import: { label: 'Import the completed download', safe: true },
  refresh_downloads: { label: 'Refresh monitored downloads', safe: true },
  search: { label: 'Search again', safe: true },
  remove_and_search: { label: 'Remove, blocklist and search again', safe: false },
  jellyfin_scan: { label: 'Ask Jellyfin to scan', safe: true },
  shoko_rescan: { label: 'Ask Shoko to rescan', safe: true },
};

/** The actions that may help with each problem, most useful first; the first safe one is the automatic fix. */
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
