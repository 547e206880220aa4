/**
 * The API's shapes as the UI reads them: a copy of src/tracker/request-views.ts, src/http/*.schemas.ts
 * and the auth contract. Copied rather than imported because the server's modules pull in Node types;
 * test/web-api-types.test.ts checks the copy against the server's response schemas.
 */

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

/** States of a closed request (api.md `active=false`). */
export const FINISHED_STATES = ['available', 'declined', 'deleted'] as const satisfies readonly State[];

export const ACTION_NAMES = [
  'force_import',
  'refresh_downloads',
  'search',
  'remove_and_search',
  'jellyfin_scan',
  'shoko_rescan',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

export interface Problem {
  code: string;
  message: string;
  /** ISO time the evidence was first seen. */
  since: string;
  actions: ActionName[];
}

export interface RequestSummary {
  id: string;
  title: string;
  year: number | null;
  mediaType: 'movie' | 'tv';
  isAnime: boolean;
  state: State;
  tmdbId: number | null;
  tvdbId: number | null;
  imdbId: string | null;
  jellyseerrRequestId: number | null;
  requestedBy: string | null;
  source: 'jellyseerr' | 'radarr' | 'sonarr';
  posterUrl: string | null;
  /** 0..1 while downloading. */
  progress: number | null;
  speedBytesPerSecond: number | null;
  etaSeconds: number | null;
  problem: Problem | null;
  /** TV: in-scope episodes per state. */
  episodeCounts: Partial<Record<State, number>>;
  requestedSeasons: number[];
  createdAt: string;
  updatedAt: string;
}

export interface Episode {
  seasonNumber: number;
  episodeNumber: number;
  title: string | null;
  state: State;
  progress: number | null;
  airDate: string | null;
  aired: boolean;
  inScope: boolean;
}

export interface Download {
  client: string | null;
  downloadId: string;
  name: string | null;
  progress: number | null;
  state: string;
  sizeBytes: number | null;
  etaSeconds: number | null;
  speedBytesPerSecond: number | null;
  failureReason: string | null;
  clientType: string | null;
  indexer: string | null;
}

export interface TimelineEntry {
  id: number;
  at: string;
  state: State;
  source: string;
  message: string;
  observationId: number | null;
}

export interface RequestDetail extends RequestSummary {
  episodes: Episode[];
  downloads: Download[];
  timeline: TimelineEntry[];
  jellyfinId: string | null;
}

export interface RequestList {
  items: RequestSummary[];
  total: number;
}

export interface ListParams {
  active?: boolean;
  state?: State;
  mediaType?: 'movie' | 'tv';
  q?: string;
  limit: number;
  offset: number;
}

export interface ActionOutcome {
  id: number;
  action: ActionName;
  status: string;
  /** False when the same command was already queued. */
  created: boolean;
}

export type Circuit = 'closed' | 'open' | 'half_open' | 'isolated';

export interface ServiceHealth {
  name: string;
  kind: string;
  ok: boolean;
  message: string | null;
  lastSeenAt: string | null;
  id: string | null;
  circuit: Circuit | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  services?: ServiceHealth[];
  inbox?: { backlog: number; oldestAt: string | null };
}

export type ServiceFieldKey = 'url' | 'username' | 'password' | 'apiKey';
export type SecretFieldKey = 'password' | 'apiKey';

export interface CatalogField {
  key: ServiceFieldKey;
  label: string;
  required: boolean;
  secret: boolean;
  help?: string;
}

export interface CatalogEntry {
  kind: string;
  displayName: string;
  category: string;
  protocol: 'torrent' | 'usenet' | null;
  fields: CatalogField[];
  defaultUrl: string;
  env: Record<string, string>;
  docsUrl: string;
}

export interface Service {
  id: string;
  kind: string;
  name: string;
  origin: 'env' | 'api';
  url: string;
  username: string | null;
  secretsSet: SecretFieldKey[];
  status: {
    circuit: Circuit;
    lastSuccessAt: string | null;
    lastErrorAt: string | null;
    lastError: string | null;
    lastErrorKind: string | null;
  };
}

export type ConnectionFailureKind =
  | 'unreachable'
  | 'unauthorized'
  | 'bad_response'
  | 'timeout'
  | 'circuit_open';

export interface ConnectionTest {
  ok: boolean;
  version?: string;
  error?: { kind: ConnectionFailureKind; message: string };
}

/** `POST /api/services` and `PUT /api/services/{id}`: a secret left out is kept, `null` clears it. */
export interface ServiceInput {
  kind?: string;
  name: string;
  url: string;
  username?: string | null;
  password?: string | null;
  apiKey?: string | null;
}

export interface WebhookSetup {
  source: 'jellyseerr' | 'radarr' | 'sonarr' | 'jellyfin';
  app: string;
  url: string;
  where: string;
  fields: Array<{ label: string; value: string; secret: boolean }>;
  tick: string[];
  notes: string | null;
}

export interface User {
  name: string;
  isAdmin: boolean;
  via: 'jellyfin' | 'local';
}

export interface Session {
  user: User | null;
  csrfToken: string | null;
  signIn: 'jellyfin' | 'local';
}
