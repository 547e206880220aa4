import type { ActionName, State } from '../api/types';

/** Colour family of a state; the label always says the same in words, so colour is never the only cue. */
export type Tone = 'neutral' | 'info' | 'active' | 'success' | 'warning' | 'danger' | 'muted';

export interface StateLabel {
  label: string;
  /** What the request is waiting for, in a few words. */
  hint: string;
  tone: Tone;
}

const STATE_LABELS: Record<State, StateLabel> = {
  requested: { label: 'Requested', hint: 'waiting for approval', tone: 'neutral' },
  approved: { label: 'Approved', hint: 'looking for a release', tone: 'info' },
  grabbing: { label: 'Grabbed', hint: 'sent to the download client', tone: 'info' },
  downloading: { label: 'Downloading', hint: '', tone: 'active' },
  downloaded: { label: 'Downloaded', hint: 'waiting for the import', tone: 'info' },
  importing: { label: 'Imported', hint: 'waiting for Jellyfin to show it', tone: 'info' },
  anime_matching: {
    label: 'Matching in Shoko',
    hint: 'waiting for Shoko to recognise the files',
    tone: 'info',
  },
  available: { label: 'Available', hint: 'ready to watch', tone: 'success' },
  failed: { label: 'Failed', hint: 'see the problem below', tone: 'danger' },
  declined: { label: 'Declined', hint: 'declined in Jellyseerr', tone: 'muted' },
  deleted: { label: 'Removed', hint: 'removed from the library', tone: 'muted' },
};

export function stateLabel(state: string): StateLabel {
  return STATE_LABELS[state as State] ?? { label: humanise(state), hint: '', tone: 'neutral' };
}

/** Episode counts as words: each state's word, in the order a reader scans a season. */
const EPISODE_WORDS: Array<[State, string]> = [
  ['failed', 'failed'],
  ['downloading', 'downloading'],
  ['grabbing', 'grabbed'],
  ['downloaded', 'downloaded'],
  ['anime_matching', 'matching in Shoko'],
  ['importing', 'imported'],
  ['available', 'available'],
  ['approved', 'upcoming'],
  ['requested', 'awaiting approval'],
  ['declined', 'declined'],
  ['deleted', 'removed'],
];

/** `{ downloading: 5, downloaded: 3, approved: 4 }` → "5 downloading · 3 downloaded · 4 upcoming". */
export function episodeCountWords(counts: Partial<Record<State, number>>): string {
  return EPISODE_WORDS.filter(([state]) => (counts[state] ?? 0) > 0)
    .map(([state, word]) => `${counts[state]} ${word}`)
    .join(' · ');
}

/** A copy of src/actions/action-catalog.ts `ACTIONS[*].label` (labels.test.ts compares them): the button text of each fix. */
export const ACTION_LABELS: Record<ActionName, string> = {
  force_import: 'Import the completed download',
  refresh_downloads: 'Refresh monitored downloads',
  search: 'Search again',
  remove_and_search: 'Remove, blocklist and search again',
  jellyfin_scan: 'Ask Jellyfin to scan',
  shoko_rescan: 'Ask Shoko to rescan',
};

/** Actions that undo something (remove a download, blocklist a release): their buttons look dangerous. */
export const DESTRUCTIVE_ACTIONS: ReadonlySet<ActionName> = new Set(['remove_and_search']);

/** A heading per problem code; the server's message says the details. */
const PROBLEM_TITLES: Record<string, string> = {
  download_failed: 'The download failed',
  request_failed: 'The request failed',
  import_blocked: 'The import is blocked',
  anime_not_matched: 'Shoko has not matched the files',
  no_release: 'No release found yet',
  stalled: 'The download is stalled',
  metadata_stuck: 'The magnet link is stuck fetching metadata',
  slow: 'The download is very slow',
  import_desync: 'Downloaded, but not imported',
  not_in_library: 'Imported, but not in Jellyfin',
};

export function problemTitle(code: string): string {
  return PROBLEM_TITLES[code] ?? 'Needs attention';
}

const DOWNLOAD_STATES: Record<string, { label: string; tone: Tone }> = {
  grabbed: { label: 'Grabbed', tone: 'info' },
  queued: { label: 'Queued', tone: 'neutral' },
  downloading: { label: 'Downloading', tone: 'active' },
  stalled: { label: 'Stalled', tone: 'warning' },
  paused: { label: 'Paused', tone: 'warning' },
  checking: { label: 'Checking files', tone: 'info' },
  completed: { label: 'Completed', tone: 'info' },
  import_blocked: { label: 'Import blocked', tone: 'danger' },
  imported: { label: 'Imported', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
};

export function downloadStateLabel(state: string): { label: string; tone: Tone } {
  return DOWNLOAD_STATES[state] ?? { label: humanise(state), tone: 'neutral' };
}

const SOURCES: Record<string, string> = {
  jellyseerr: 'Jellyseerr',
  radarr: 'Radarr',
  sonarr: 'Sonarr',
  jellyfin: 'Jellyfin',
  shoko: 'Shoko',
  qbittorrent: 'qBittorrent',
  transmission: 'Transmission',
  deluge: 'Deluge',
  sabnzbd: 'SABnzbd',
  nzbget: 'NZBGet',
  downloader: 'Download client',
  tracker: 'Status Tracker',
};

/** A service or timeline source by its own name ("qBittorrent", not "qbittorrent"). */
export function sourceLabel(source: string): string {
  return SOURCES[source] ?? humanise(source);
}

/** "import_blocked" → "Import blocked": the fallback for a value the UI does not know yet. */
function humanise(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
