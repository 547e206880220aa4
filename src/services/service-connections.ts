import { createDelugeDownloader } from '../integrations/deluge/deluge.client.js';
import type { Downloader, DownloaderFactory, DownloaderKind } from '../integrations/downloader/downloader.js';
import {
  createJellyfinClient,
  createJellyfinLibrary,
  type JellyfinClient,
  type JellyfinLibrary,
} from '../integrations/jellyfin/jellyfin.client.js';
import {
  createJellyseerrClient,
  type JellyseerrClient,
} from '../integrations/jellyseerr/jellyseerr.client.js';
import { createNzbgetDownloader } from '../integrations/nzbget/nzbget.client.js';
import { createQbittorrentDownloader } from '../integrations/qbittorrent/qbittorrent.client.js';
import { createRadarrClient, type RadarrClient } from '../integrations/radarr/radarr.client.js';
import { createSabnzbdDownloader } from '../integrations/sabnzbd/sabnzbd.client.js';
import type { ServiceConnection } from '../integrations/service-connection.js';
import type { ResilienceOptions } from '../integrations/shared/service-http.js';
import { createShokoClient, type ShokoClient } from '../integrations/shoko/shoko.client.js';
import { createSonarrClient, type SonarrClient } from '../integrations/sonarr/sonarr.client.js';
import { createTransmissionDownloader } from '../integrations/transmission/transmission.client.js';
import { isDownloaderKind } from './service-catalog.js';
import type { ServiceDirectory, ServiceInstance } from './service-directory.js';

/** The registry: kind → client factory. Adding a download client = one folder + one line here. */
const DOWNLOADER_FACTORIES = {
  qbittorrent: createQbittorrentDownloader,
  transmission: createTransmissionDownloader,
  deluge: createDelugeDownloader,
  sabnzbd: createSabnzbdDownloader,
  nzbget: createNzbgetDownloader,
} satisfies Record<DownloaderKind, DownloaderFactory>;

const apiKeyOf = (instance: ServiceInstance) => instance.secrets.apiKey ?? '';

export interface Connected {
  instance: ServiceInstance;
  connection: ServiceConnection;
  /** Set for download clients. */
  downloader: Downloader | null;
  /** Set for Jellyfin: the client and the provider-id index kept for the instance's lifetime. */
  jellyfin: { client: JellyfinClient; library: JellyfinLibrary } | null;
  /** Set for Shoko. */
  shoko: ShokoClient | null;
  /** Set for Jellyseerr. */
  jellyseerr: JellyseerrClient | null;
  /** Set for Radarr and Sonarr. */
  arr: { app: 'radarr'; client: RadarrClient } | { app: 'sonarr'; client: SonarrClient } | null;
}

/** Builds the client of an instance, for a connection test of settings not saved yet, too. */
export function connect(instance: ServiceInstance, resilience?: ResilienceOptions): Connected {
  const none = { downloader: null, jellyfin: null, shoko: null, jellyseerr: null, arr: null };
  if (instance.kind === 'radarr') {
    const client = createRadarrClient({ url: instance.url, apiKey: apiKeyOf(instance), resilience });
    return { ...none, instance, connection: client, arr: { app: 'radarr', client } };
  }
  if (instance.kind === 'sonarr') {
    const client = createSonarrClient({ url: instance.url, apiKey: apiKeyOf(instance), resilience });
    return { ...none, instance, connection: client, arr: { app: 'sonarr', client } };
  }
  if (instance.kind === 'jellyseerr') {
    const client = createJellyseerrClient({ url: instance.url, apiKey: apiKeyOf(instance), resilience });
    return { ...none, instance, connection: client, jellyseerr: client };
  }
  if (instance.kind === 'jellyfin') {
    const client = createJellyfinClient({ url: instance.url, apiKey: apiKeyOf(instance), resilience });
    return {
      ...none,
      instance,
      connection: client,
      jellyfin: { client, library: createJellyfinLibrary({ client }) },
    };
  }
  if (instance.kind === 'shoko') {
    const client = createShokoClient({ url: instance.url, apiKey: apiKeyOf(instance), resilience });
    return { ...none, instance, connection: client, shoko: client };
  }
  if (isDownloaderKind(instance.kind)) {
    const downloader = DOWNLOADER_FACTORIES[instance.kind]({
      url: instance.url,
      username: instance.username ?? undefined,
      password: instance.secrets.password,
      apiKey: instance.secrets.apiKey,
      resilience,
    });
    return { ...none, instance, connection: downloader, downloader };
  }
  throw new Error(`no client for ${instance.kind satisfies never}`);
}

/**
 * The live client of every configured instance, kept between calls so sessions (qBittorrent's
 * cookie, Transmission's session id), incremental sync state and circuit breakers survive; rebuilt
 * when the instance changes.
 */
export function createServiceConnections({
  directory,
  resilience,
}: {
  directory: ServiceDirectory;
  resilience?: ResilienceOptions | undefined;
}) {
  const cache = new Map<string, Connected>();
  // The directory reads (and decrypts) from the database: read again only when it changed.
  let known: ServiceInstance[] | null = null;
  directory.onChange(() => {
    known = null;
  });

  function all(): Connected[] {
    known ??= directory.list();
    const instances = known;
    const live = new Set(instances.map((i) => i.id));
    for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
    return instances.map((instance) => {
      const cached = cache.get(instance.id);
      if (cached && cached.instance.version === instance.version) return cached;
      const fresh = connect(instance, resilience);
      cache.set(instance.id, fresh);
      return fresh;
    });
  }

  return {
    all,
    get(id: string): Connected | undefined {
      return all().find((c) => c.instance.id === id);
    },
    downloaders(): Array<Connected & { downloader: Downloader }> {
      return all().filter((c): c is Connected & { downloader: Downloader } => c.downloader !== null);
    },
  };
}

export type ServiceConnections = ReturnType<typeof createServiceConnections>;
