import { z } from 'zod';
import type { ClientDownloadState } from '../../domain/observations.js';
import type { ResilienceOptions, ServiceStatus } from '../shared/service-http.js';

/** The download clients the tracker can follow. */
export const DOWNLOADER_KINDS = ['qbittorrent', 'transmission', 'deluge', 'sabnzbd', 'nzbget'] as const;
export type DownloaderKind = (typeof DOWNLOADER_KINDS)[number];

export const DOWNLOADER_PROTOCOL: Record<DownloaderKind, 'torrent' | 'usenet'> = {
  qbittorrent: 'torrent',
  transmission: 'torrent',
  deluge: 'torrent',
  sabnzbd: 'usenet',
  nzbget: 'usenet',
};

export const CLIENT_DOWNLOAD_STATES = [
  'queued',
  'metadata',
  'downloading',
  'stalled',
  'paused',
  'checking',
  'completed',
  'failed',
  'missing_files',
] as const satisfies readonly ClientDownloadState[];

/**
 * One download as a client reports it, normalised: every client's states, units and id forms become
 * these before anything else sees them.
 */
export const downloadItemSchema = z.object({
  /** The id the client itself uses: lowercase torrent hash, SABnzbd `nzo_id`, NZBGet `NZBID` as text. */
  clientId: z.string().min(1),
  /**
   * The id Radarr/Sonarr store as `downloadId`: UPPERCASE torrent hash, SABnzbd `nzo_id` verbatim,
   * NZBGet's `drone` parameter (falling back to the NZBID when the *arr did not add it).
   */
  arrId: z.string().min(1),
  /** Torrent or job name. */
  name: z.string(),
  /** Category (qBittorrent, SABnzbd, NZBGet) or label (Transmission, Deluge); null when none. */
  category: z.string().nullable(),
  state: z.enum(CLIENT_DOWNLOAD_STATES),
  /** 0..1 of the selected data. */
  progress: z.number().min(0).max(1),
  /** Bytes selected for download (what the download will be when complete). */
  sizeBytes: z.number().int().nonnegative(),
  /** Bytes still missing. */
  remainingBytes: z.number().int().nonnegative(),
  /** Bytes per second, now. */
  downloadSpeed: z.number().nonnegative(),
  /** Bytes per second, now (0 for Usenet). */
  uploadSpeed: z.number().nonnegative(),
  /** Seconds to completion; null when unknown or infinite (no peers, paused, queued). */
  etaSeconds: z.number().int().nonnegative().nullable(),
  /** The client's own error text (tracker error, missing files, SABnzbd `fail_message`, NZBGet status). */
  error: z.string().nullable(),
  /** Folder the download is saved in. */
  savePath: z.string().nullable(),
  /** The downloaded file or folder itself (what an *arr imports from). */
  contentPath: z.string().nullable(),
  /** ISO 8601 UTC. */
  addedAt: z.string().nullable(),
  /** ISO 8601 UTC; null until complete. */
  completedAt: z.string().nullable(),
});

export type DownloadItem = z.infer<typeof downloadItemSchema>;

/** How to reach one client instance. Which fields a kind needs is in the integration catalog. */
export interface DownloaderConnection {
  /** Base URL as the user gives it; a reverse-proxy path prefix is kept. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  apiKey?: string | undefined;
  resilience?: ResilienceOptions | undefined;
}

/**
 * The capability every download client implements. Calls throw `IntegrationError` (kind
 * `unreachable`, `unauthorized`, `bad_response`, `timeout`, `circuit_open`) and never anything else.
 */
export interface Downloader {
  readonly kind: DownloaderKind;
  /**
   * Checks that the client answers and accepts the credentials, and returns its version. Raises
   * `unreachable`, `unauthorized` or `bad_response` so the settings page can say which.
   */
  testConnection(): Promise<{ version: string }>;
  /**
   * Every download the client has now (queue and finished ones it still lists), in a constant number
   * of requests per call, never one per download. Clients with incremental APIs (qBittorrent
   * `sync/maindata`) keep their own cache between calls.
   */
  listItems(): Promise<DownloadItem[]>;
  /** Timeouts, retries and the circuit breaker's view of this instance. */
  status(): ServiceStatus;
}

export type DownloaderFactory = (connection: DownloaderConnection) => Downloader;

/** Torrent clients key on the lowercase info hash; Radarr/Sonarr store it upper case (contracts §1.9). */
export function arrIdFromHash(hash: string): string {
  return hash.toUpperCase();
}

/** Epoch seconds from a client (≤ 0 means unset in qBittorrent and Transmission) to ISO or null. */
export function isoFromEpochSeconds(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return null;
  return new Date(seconds * 1000).toISOString();
}

/** Progress clamped into 0..1 (rounding in clients gives 1.0000001 or -0). */
export function clampProgress(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 0;
  return value >= 1 ? 1 : value;
}
