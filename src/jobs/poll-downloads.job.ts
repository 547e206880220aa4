import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { DownloadView } from '../domain/derive.js';
import { downloadKey, type Observation } from '../domain/observations.js';
import {
  DOWNLOADER_PROTOCOL,
  type DownloaderKind,
  type DownloadItem,
} from '../integrations/downloader/downloader.js';
import { isIntegrationError } from '../integrations/shared/integration-error.js';
import type { Connected } from '../services/service-connections.js';
import type { DownloadQueries, FollowedDownload } from '../tracker/download-queries.js';
import type { Tracker } from '../tracker/tracker.js';
import type { Job } from './job-runner.js';

/** How often a download client that refused the credentials gets a fresh login attempt. */
const RETRY_REFUSED_MS = 5 * 60_000;

/** Categories the *arrs use out of the box; the ones seen on tracked downloads are added as learned. */
const DEFAULT_ARR_CATEGORIES = ['radarr', 'sonarr', 'tv-sonarr', 'movies', 'tv'];

/** Radarr/Sonarr `downloadClientType` (their implementation names) → our kind. Vuze speaks Transmission RPC. */
const CLIENT_TYPES: Record<string, DownloaderKind> = {
  qbittorrent: 'qbittorrent',
  transmission: 'transmission',
  vuze: 'transmission',
  deluge: 'deluge',
  sabnzbd: 'sabnzbd',
  nzbget: 'nzbget',
};

type Polled = Connected & { downloader: NonNullable<Connected['downloader']> };

function kindOfClientType(clientType: string | null): DownloaderKind | undefined {
  return clientType ? CLIENT_TYPES[clientType.toLowerCase().replace(/[^a-z]/g, '')] : undefined;
}

function looksLikeTorrentHash(id: string): boolean {
  return /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(id);
}

/**
 * Which instances may hold a download (issue 3 §4): the instance whose kind and name match the
 * grab's `downloadClientType` and `downloadClient`; else every instance of that kind; else every
 * instance of the protocol the id's shape tells.
 */
export function candidateInstances(
  download: Pick<DownloadView, 'downloadId' | 'client' | 'clientType'>,
  instances: readonly Polled[],
): Polled[] {
  const kind = kindOfClientType(download.clientType);
  if (kind) {
    const ofKind = instances.filter((c) => c.instance.kind === kind);
    const name = download.client?.trim().toLowerCase();
    const named = ofKind.filter((c) => c.instance.name.trim().toLowerCase() === name);
    if (named.length === 1) return named;
    if (ofKind.length > 0) return ofKind;
  }
  const protocol = looksLikeTorrentHash(download.downloadId) ? 'torrent' : 'usenet';
  return instances.filter((c) => DOWNLOADER_PROTOCOL[c.instance.kind as DownloaderKind] === protocol);
}

/** What was last reported for a download, so an unchanged poll writes nothing. */
type Reported = string;

function fingerprint(item: DownloadItem): Reported {
  return [
    item.state,
    item.progress.toFixed(4),
    item.etaSeconds,
    Math.round(item.downloadSpeed),
    item.error,
  ].join('|');
}

/**
 * The poll job (issue 3 §3): one `listItems` per client per cycle, never one call per download;
 * every `POLL_INTERVAL_SECONDS` while anything is on its way, slower otherwise. Known downloads get
 * progress, completed, failed and stalled observations through the tracker's one door; completed
 * downloads in *arr categories that no request knows are remembered for the desync check.
 */
export function createPollDownloadsJob({
  connections,
  downloads,
  tracker,
  clock,
  logger,
  activeIntervalMs,
  idleIntervalMs,
}: {
  connections: { downloaders(): Polled[] };
  downloads: DownloadQueries;
  tracker: Tracker;
  clock: Clock;
  logger: Logger;
  activeIntervalMs: number;
  idleIntervalMs: number;
}): Job & { lastCycle(): { polled: string[]; observations: number } } {
  /** download key → instance id that was seen holding it. */
  const holders = new Map<string, string>();
  const reported = new Map<string, Reported>();
  const categories = new Set(DEFAULT_ARR_CATEGORIES);
  /** Instances whose credentials were refused, and when a fresh login was last tried. */
  const refusedAt = new Map<string, number>();
  let last = { polled: [] as string[], observations: 0 };

  function observationsFor(followed: FollowedDownload, item: DownloadItem, holder: Polled): Observation[] {
    const { download } = followed;
    const base = {
      source: 'downloader' as const,
      at: clock.now().toISOString(),
      media: { mediaType: followed.mediaType },
      requestId: followed.requestId,
    };
    const ref = {
      id: download.downloadId,
      client: download.client ?? holder.instance.name,
      clientType: download.clientType ?? holder.instance.kind,
      name: item.name,
      sizeBytes: item.sizeBytes,
      path: item.contentPath ?? item.savePath ?? undefined,
    };
    if (item.state === 'failed') {
      const reason = item.error ?? `${holder.instance.name} reports the download as failed`;
      return [{ ...base, kind: 'download_failed', download: ref, reason }];
    }
    if (item.state === 'completed') return [{ ...base, kind: 'download_completed', download: ref }];
    return [
      {
        ...base,
        kind: 'download_progress',
        download: ref,
        fraction: item.progress,
        clientState: item.state,
        etaSeconds: item.etaSeconds,
        speedBytesPerSecond: item.downloadSpeed,
      },
    ];
  }

  async function listOne(target: Polled): Promise<DownloadItem[]> {
    // qBittorrent and Transmission ban an address after repeated failed logins, so their clients stop
    // trying a refused password; a connection test (a fresh login) now and then finds it fixed.
    const refused = refusedAt.get(target.instance.id);
    if (refused !== undefined && clock.now().getTime() - refused >= RETRY_REFUSED_MS) {
      refusedAt.set(target.instance.id, clock.now().getTime());
      await target.downloader.testConnection();
    }
    try {
      const items = await target.downloader.listItems();
      refusedAt.delete(target.instance.id);
      return items;
    } catch (error) {
      if (isIntegrationError(error) && error.kind === 'unauthorized' && !refusedAt.has(target.instance.id)) {
        refusedAt.set(target.instance.id, clock.now().getTime());
      }
      throw error;
    }
  }

  /** Completed downloads in an *arr category that no request knows, for the desync check. */
  function rememberUnclaimed(target: Polled, items: DownloadItem[]): void {
    const unclaimed = items
      .filter(
        (item) =>
          item.state === 'completed' &&
          item.category !== null &&
          categories.has(item.category.toLowerCase()) &&
          !downloads.isKnown(downloadKey(item.arrId)),
      )
      .map((item) => ({
        serviceId: target.instance.id,
        arrId: item.arrId,
        name: item.name,
        category: item.category,
        contentPath: item.contentPath ?? item.savePath,
        sizeBytes: item.sizeBytes,
        completedAt: item.completedAt,
      }));
    if (unclaimed.length > 0) downloads.rememberUnclaimed(unclaimed, clock.now().toISOString());
  }

  return {
    name: 'poll-downloads',
    lastCycle: () => last,
    async run(): Promise<number> {
      const instances = connections.downloaders();
      if (instances.length === 0) {
        last = { polled: [], observations: 0 };
        return idleIntervalMs;
      }
      const followed = downloads.followed();
      const idle = followed.length === 0;

      // Which instances to ask: the known holder of each download, else its candidates. When idle,
      // every instance is asked (slowly) so completed downloads no request knows are noticed.
      const targets = new Map<string, Polled>();
      if (idle) for (const c of instances) targets.set(c.instance.id, c);
      for (const f of followed) {
        const holder = instances.find((c) => c.instance.id === holders.get(f.download.key));
        for (const c of holder ? [holder] : candidateInstances(f.download, instances))
          targets.set(c.instance.id, c);
      }
      // Every client at once, each one's answer applied as soon as it comes: a client that is down
      // (timeouts, retries, the breaker) never holds up the others' progress.
      let written = 0;
      const apply = (target: Polled, items: DownloadItem[]): void => {
        const byKey = new Map(items.map((item) => [downloadKey(item.arrId), item]));
        const observations: Observation[] = [];
        for (const f of followed) {
          const item = byKey.get(f.download.key);
          if (!item) continue;
          // Only an instance the grab allows: another client may hold the same torrent (a seeding copy).
          if (!candidateInstances(f.download, instances).includes(target)) continue;
          const holder = holders.get(f.download.key);
          if (holder !== undefined && holder !== target.instance.id && targets.has(holder)) continue;
          holders.set(f.download.key, target.instance.id);
          if (item.category) categories.add(item.category.toLowerCase());
          const now = fingerprint(item);
          if (reported.get(f.download.key) === now) continue;
          reported.set(f.download.key, now);
          observations.push(...observationsFor(f, item, target));
        }
        if (observations.length > 0) tracker.ingest(observations);
        written += observations.length;
        rememberUnclaimed(target, items);
      };
      await Promise.all(
        [...targets.values()].map(async (target) => {
          let items: DownloadItem[];
          try {
            items = await listOne(target);
          } catch (error) {
            logger.warn({ service: target.instance.name, err: error }, 'download client poll failed');
            return;
          }
          apply(target, items);
        }),
      );
      downloads.forgetClaimed();

      // Forget what is no longer followed, so memory stays bounded.
      const live = new Set(followed.map((f) => f.download.key));
      for (const key of reported.keys()) if (!live.has(key)) reported.delete(key);
      for (const key of holders.keys()) if (!live.has(key)) holders.delete(key);

      last = { polled: [...targets.values()].map((c) => c.instance.name), observations: written };
      return idle ? idleIntervalMs : activeIntervalMs;
    },
  };
}
